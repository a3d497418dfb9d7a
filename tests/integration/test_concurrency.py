"""Case numbers stay unique when many contacts open cases at the same moment."""

from concurrent.futures import ThreadPoolExecutor

from tests.support.payloads import support_case


def test_twenty_concurrent_creates_get_twenty_distinct_numbers(local_aws):
    users = ["customer", "customer_mac", "colleague", "other_customer"]

    def open_case(index: int):
        return local_aws.call("POST", "/cases", user=users[index % len(users)], body=support_case(subject=f"parallel {index}"))

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(open_case, range(20)))

    assert [result.status for result in results] == [201] * 20
    numbers = {result.body["caseNumber"] for result in results}
    assert numbers == {f"{n:010d}" for n in range(1, 21)}
    acme = local_aws.call("GET", "/cases", user="engineer", query={"view": "all-open", "accountId": "acme", "limit": "100"})
    globex = local_aws.call("GET", "/cases", user="engineer", query={"view": "all-open", "accountId": "globex", "limit": "100"})
    assert len(acme.body["items"]) + len(globex.body["items"]) == 20


def test_concurrent_retries_with_one_idempotency_key_create_one_case(local_aws):
    headers = {"Idempotency-Key": "double-click"}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: local_aws.call("POST", "/cases", body=support_case(), headers=headers), range(8)))

    assert {result.status for result in results} == {201}
    assert len({result.body["caseNumber"] for result in results}) == 1
    assert len(local_aws.call("GET", "/cases", query={"view": "my-open"}).body["items"]) == 1

def test_create_and_read(local_aws):
    created = local_aws.call("POST", "/cases", body={
        "caseType": "Support", "caseSubType": "Problem", "environmentType": "Production",
        "productGroup": "PureConnect", "product": "CIC", "majorVersion": "2020 R1",
        "subject": "Calls drop", "description": "Since the patch."})
    print(created)
    assert created.status == 201
    listed = local_aws.call("GET", "/cases", query={"view": "my-open"})
    print(listed)
    got = local_aws.call("GET", f"/cases/{created.body['caseNumber']}")
    print(got)
    print(local_aws.published_events())
    assert 0

from functions.shared.api.error_mapping import describe_validation_errors, field_path


def test_union_tags_are_not_reported_as_fields():
    body = {"caseType": "Support", "onBehalfOf": {"accountId": "a b"}}
    assert field_path(["body", "Support", "onBehalfOf", "accountId"], body) == "onBehalfOf.accountId"


def test_a_missing_field_keeps_its_name():
    assert field_path(["body", "Admin", "subject"], {"caseType": "Admin"}) == "subject"


def test_query_parameters():
    assert field_path(["query", "limit"], None) == "limit"


def test_discriminator_errors_name_the_tag_field():
    errors = [{"type": "union_tag_invalid", "loc": ("body",), "ctx": {"discriminator": "'case_type' | 'caseType'"}}]
    code, message, field = describe_validation_errors(errors, {"caseType": "x"})
    assert (code, field) == ("validation_error", "caseType")
    assert message.startswith("caseType:")


def test_malformed_json():
    assert describe_validation_errors([{"type": "json_invalid", "loc": ("body", 1)}], None)[0] == "malformed_json"


def test_more_problems_are_counted():
    errors = [{"type": "missing", "loc": ("body", "Admin", "subject")}, {"type": "missing", "loc": ("body", "Admin", "description")}]
    assert describe_validation_errors(errors, {})[1] == "subject: required (1 more problem(s))."

"""An EventBridge event as a rule's SQS queue delivers it (the message body): what every consuming domain
reads first. Each domain validates `detail` itself, for the detail types it handles."""

from pydantic import BaseModel, ConfigDict, Field


class BusEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    source: str
    detail_type: str = Field(alias="detail-type")
    detail: dict

"""Starting and stopping the timers' Step Functions executions.

An execution's name is its timer's identity, so both calls are idempotent: a start delivered again finds
its execution (running, stopped or ended), and a stop that finds none (delivered before its start, or
after Step Functions forgot the ended execution) has nothing to do."""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError

from functions.followups.models.timer_events import TimerActionFailed
from functions.shared.dal.aws import client


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN Step Functions gives an execution of a Standard state machine (AWS and moto alike)."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


class StateMachines:
    def __init__(self, arns: dict[str, str]):
        """`arns`: the state machine ARN of each case timer kind and of the incident timer (INCIDENT_TIMER)."""
        self.arns = arns

    def start(self, machine: str, name: str, execution_input: dict) -> bool:
        """True if this call started the execution; False if it already existed."""
        try:
            client("stepfunctions").start_execution(
                stateMachineArn=self.arns[machine], name=name, input=json.dumps(execution_input, separators=(",", ":"))
            )
        except ClientError as error:
            if _code(error) == "ExecutionAlreadyExists":
                return False
            raise TimerActionFailed(f"Step Functions did not start {name}: {error}") from error
        except BotoCoreError as error:
            raise TimerActionFailed(f"Step Functions did not start {name}: {error}") from error
        return True

    def stop(self, machine: str, name: str, cause: str) -> bool:
        """True if an execution of that name was stopped (or had already ended); False if there is none."""
        try:
            client("stepfunctions").stop_execution(executionArn=execution_arn(self.arns[machine], name), cause=cause)
        except ClientError as error:
            if _code(error) == "ExecutionDoesNotExist":
                return False
            raise TimerActionFailed(f"Step Functions did not stop {name}: {error}") from error
        except BotoCoreError as error:
            raise TimerActionFailed(f"Step Functions did not stop {name}: {error}") from error
        return True


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")

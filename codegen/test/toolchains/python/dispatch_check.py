import asyncio
import json
from typing import Any

from order_service import contract as oc
from order_service import models as om
from order_service._support import FunctionError
from user_service import contract as uc
from user_service import models as um


class UserHandlers:
    async def create_user(self, request: um.CreateUserRequest) -> um.CreateUserResponse:
        return um.create_user_response_from_dict({"userId": "0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a"})


class OrderHandlers:
    async def process_order(self, request: om.ProcessOrderRequestV2) -> om.ProcessOrderResponseV2:
        total = sum(line.quantity * line.unit_price for line in request.lines)
        res = om.process_order_response_v2_from_dict(
            {"orderId": "0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3b", "status": "paid", "total": 0, "estimatedDelivery": None}
        )
        res.total = total
        return res

    async def get_order(self, request: om.GetOrderRequest) -> om.Order:
        raise FunctionError("NotFound", "ORDER_NOT_FOUND", "no such order")


class Loop:
    async def call(self, service: str, function: str, parameters: Any) -> Any:
        reply = await uc.UserServiceDispatcher(UserHandlers()).dispatch({"function": function, "parameters": parameters})
        return reply["result"]


async def run() -> None:
    with open("__SCENARIOS__", encoding="utf-8") as f:
        scenarios = json.load(f)
    for s in scenarios:
        if s["service"] == "UserService":
            reply = await uc.UserServiceDispatcher(UserHandlers()).dispatch(s["body"])
        else:
            reply = await oc.OrderServiceDispatcher(OrderHandlers()).dispatch(s["body"])
        with open(f"__OUT__/python.dispatch.{s['id']}.json", "w", encoding="utf-8") as f:
            json.dump(reply, f)
    client = uc.UserServiceClient(Loop())
    res = await client.create_user(um.create_user_request_from_dict({"email": "ann@example.com", "name": "Ann"}))
    with open("__OUT__/python.client.json", "w", encoding="utf-8") as f:
        json.dump(um.create_user_response_to_dict(res), f)


def main() -> None:
    asyncio.run(run())

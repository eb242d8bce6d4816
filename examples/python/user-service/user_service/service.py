"""The design document's UserService: createUser (with a notification), getUser and listUsers.

Authorisation is not written here: the injected DataStore is bound to the caller and the database
decides (RBAC grants + row-level security), so a caller without ``write`` on ``users`` gets Forbidden.
The request and response types are generated from contract.json by @sfn/codegen (user_service/generated,
``pnpm --filter @sfn/examples-python generate``); the host validates the parameters against the same
schemas before a function runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfn_runtime.errors import NotFoundError
from sfn_runtime.generated.interfaces import DataStore
from sfn_runtime.generated.wire_types import Document, Query
from sfn_runtime.host import function, service
from sfn_runtime.messaging import BoundMessaging

from .generated.models import (
    CreateUserRequest,
    CreateUserResponse,
    GetUserRequest,
    ListUsersRequest,
    User,
    UserPage,
)


def _user(document: Document) -> User:
    return User(
        user_id=str(document.id),
        email=str(document.extra["email"]),
        name=str(document.extra["name"]),
        created_by=document.owner,
        created_at=document.created_at.isoformat().replace("+00:00", "Z"),
    )


@service("UserService")
class UserService:
    """A new instance serves each call; its constructor receives the platform interfaces bound to the
    caller (the design's ``[ServiceFunction("UserService")]`` with constructor injection)."""

    def __init__(self, data_store: DataStore, messaging: BoundMessaging, config: Mapping[str, Any]) -> None:
        self.data_store = data_store
        self.messaging = messaging
        self.notification_topic = str(config.get("notificationTopic", "notifications"))

    @function("createUser")
    async def create_user(self, request: CreateUserRequest) -> CreateUserResponse:
        user_id = await self.data_store.insert("users", {"email": request.email, "name": request.name})
        # Platform messaging, bound to the caller: the notification carries the caller's token.
        await self.messaging.send(
            self.messaging.topic(self.notification_topic), {"type": "user created", "userId": user_id}
        )
        return CreateUserResponse(user_id=user_id)

    @function("getUser")
    async def get_user(self, request: GetUserRequest) -> User:
        document = await self.data_store.get_by_id("users", str(request.user_id))
        if document is None:
            raise NotFoundError(f"no user {request.user_id}", code="USER_NOT_FOUND")
        return _user(document)

    @function("listUsers")
    async def list_users(self, request: ListUsersRequest) -> UserPage:
        page = await self.data_store.query("users", Query(), request.page or 1, request.page_size or 20)
        return UserPage(items=[_user(item) for item in page.items], total=page.total)

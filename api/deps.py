"""FastAPI dependencies. Long-lived objects live on app.state (built in create_app); tests override them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.cpu import CpuPool
from api.db.repository import DraftStore
from api.pipeline import Drafter


def get_store(request: Request) -> DraftStore:
    store: DraftStore = request.app.state.store  # app.state is untyped
    return store


def get_drafter(request: Request) -> Drafter:
    drafter: Drafter = request.app.state.drafter  # app.state is untyped
    return drafter


def get_cpu(request: Request) -> CpuPool:
    cpu: CpuPool = request.app.state.cpu  # app.state is untyped
    return cpu


StoreDep = Annotated[DraftStore, Depends(get_store)]
CpuDep = Annotated[CpuPool, Depends(get_cpu)]
DrafterDep = Annotated[Drafter, Depends(get_drafter)]

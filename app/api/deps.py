"""Annotated dependency aliases used by the routers."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from app.core.config import Settings, get_settings
from app.core.pagination import PageParams, page_params
from app.db.session import get_session

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[PageParams, Depends(page_params)]

"""Import every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from app.analytics import models as _analytics  # noqa: F401
from app.audit import models as _audit  # noqa: F401
from app.auth import models as _auth  # noqa: F401
from app.changes import models as _changes  # noqa: F401
from app.cohorts import models as _cohorts  # noqa: F401
from app.db.base import Base
from app.demands import models as _demands  # noqa: F401
from app.matches import embeddings as _embeddings  # noqa: F401
from app.matches import tokens as _tokens  # noqa: F401
from app.offers import models as _offers  # noqa: F401
from app.organizations import models as _organizations  # noqa: F401
from app.placements import models as _placements  # noqa: F401
from app.programs import models as _programs  # noqa: F401
from app.webhooks import models as _webhooks  # noqa: F401

metadata = Base.metadata

__all__ = ["metadata"]

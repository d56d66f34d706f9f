"""The library boundary: no web/ORM imports, and ``__all__`` is exactly what is exported."""

from __future__ import annotations

import ast
from pathlib import Path

import matching

PKG = Path(matching.__file__).parent
FORBIDDEN = {"fastapi", "sqlalchemy", "pydantic", "pydantic_settings", "starlette", "app", "alembic"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_forbidden_imports() -> None:
    files = sorted(PKG.rglob("*.py"))
    assert len(files) >= 8
    offenders = {str(f.relative_to(PKG)): sorted(_imported_roots(f) & FORBIDDEN) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_all_is_exact_and_resolvable() -> None:
    assert len(set(matching.__all__)) == len(matching.__all__)
    for name in matching.__all__:
        assert hasattr(matching, name), name
    public = {n for n in dir(matching) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(matching, n)).__name__ == "module"}
    assert public - modules == set(matching.__all__)


def test_data_files_ship_with_package() -> None:
    assert (PKG / "data" / "synonyms.txt").is_file()
    from matching import default_associations, default_precedents

    # the learned models ship with the package and load (the API path uses them)
    assert (PKG / "data" / "associations.npz").is_file() and default_associations() is not None
    assert (PKG / "data" / "precedents.npz").is_file()
    prec = default_precedents()
    assert prec is not None and prec.n_demands > 1000 and "软件技术" in prec.keys
    from matching import default_semantic

    assert (PKG / "data" / "semantic" / "model.onnx").is_file()
    sem = default_semantic()
    assert sem is not None and sem.dim == 384

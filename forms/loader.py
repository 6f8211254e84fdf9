"""Reading catalog files: YAML with line numbers, and whole catalog folders as text bundles.

The loader is PyYAML's *safe* loader (no tags that build Python objects); the only addition is
that every mapping remembers the line of each key, so a compile error can say
`services/passport-rf.yaml:42: fields[3].kind: …`. The C implementation of the safe loader is
used where PyYAML was built with libyaml (it is in the wheels), which keeps a 300-service
catalog within its compile budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LinedDict(dict):
    """A dict that knows the 1-based line of itself and of each of its keys."""

    __slots__ = ("key_lines", "line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LinedList(list):
    __slots__ = ("item_lines", "line")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LinedLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    result = LinedDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | float) and key is not None:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "unhashable key", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LinedList:
    result = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlProblem(ValueError):
    def __init__(self, line: int, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail


def parse_yaml(text: str) -> Any:
    """Parse one YAML document safely, keeping line numbers; raise YamlProblem on bad markup."""
    try:
        return yaml.load(text, Loader=_LinedLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlProblem(line, str(exc.problem or exc.context or exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, str(exc)) from None


def read_sources(folder: Path) -> dict[str, str]:
    """Every `*.yaml` of a catalog folder as text, keyed by its path relative to the folder.

    A catalog version is archived as exactly this bundle, so an old case can be compiled
    against the very text it was filled with.
    """
    sources: dict[str, str] = {}
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).as_posix()
        sources[rel] = path.read_text(encoding="utf-8")
    return sources


def builtin_folder() -> Path:
    return Path(__file__).resolve().parent / "catalog"


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None

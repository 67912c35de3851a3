"""Read a rules tree from disk, validate every file, and build a :class:`RuleBook`.

Layout: ``<root>/<jurisdiction>/<path>/<name>.yaml`` is the parameter
``<jurisdiction>.<path>.<name>``; council policy lives at ``<root>/local/<council>/...``.
Every file is checked before anything is returned; if any is invalid, a single
:class:`RuleFileError` lists every problem, each naming its file and field.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from carecharge.core.rules.errors import Problem, RuleError, RuleFileError
from carecharge.core.rules.ruleset import RuleBook
from carecharge.core.rules.schema import RawScalars, Rule, is_valid_segment, validate_document

RULE_SUFFIX = ".yaml"
LOCAL = "local"


def load_rules(root: Path, *, include_preview: bool = False) -> RuleBook:
    """Load and validate every ``*.yaml`` parameter file under ``root``.

    Preview values (``preview: true``) are loaded only when ``include_preview`` is true.
    Files and directories whose names start with a dot are ignored, as are files that are
    not YAML (such as ``README.md``).
    """
    root = Path(root)
    if not root.is_dir():
        raise RuleError(f"rules root {root} is not a directory")

    problems: list[Problem] = []
    rules: dict[str, Rule] = {}
    for path in _rule_files(root, problems):
        result = _load_file(root, path, include_preview=include_preview)
        if isinstance(result, Rule):
            rules[result.name] = result
        else:
            problems.extend(result)
    if problems:
        raise RuleFileError(problems)
    if not rules:
        raise RuleError(f"no {RULE_SUFFIX} rule files found under {root}")
    return RuleBook(rules, include_preview=include_preview)


def _rule_files(root: Path, problems: list[Problem]) -> list[Path]:
    found: list[Path] = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".yml":
            problems.append(Problem(path, "(path)", "rule files must use the .yaml extension"))
        elif suffix == RULE_SUFFIX:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def rule_name(root: Path, path: Path) -> str | Problem:
    """The dotted name of the parameter file at ``path``, or the problem with its path."""
    relative = path.relative_to(root)
    if relative.suffix != RULE_SUFFIX:
        return Problem(path, "(path)", "rule files must end in lower-case .yaml")
    parts = relative.with_suffix("").parts
    bad = [part for part in parts if not is_valid_segment(part)]
    if bad:
        return Problem(
            path,
            "(path)",
            f"folder and file names must be lower case letters, digits and underscores, "
            f"starting with a letter (not {', '.join(repr(b) for b in bad)})",
        )
    if len(parts) < 2:
        return Problem(
            path,
            "(path)",
            "a rule file must sit inside a jurisdiction folder "
            "(england/, wales/ or local/<council>/)",
        )
    if parts[0] == LOCAL and len(parts) < 3:
        return Problem(path, "(path)", "council rules go under local/<council>/")
    return ".".join(parts)


def _load_file(root: Path, path: Path, *, include_preview: bool) -> Rule | list[Problem]:
    name = rule_name(root, path)
    if isinstance(name, Problem):
        return [name]
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(path, "(file)", f"not valid UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return [Problem(path, "(file)", f"cannot be read ({exc.strerror})")]

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [Problem(path, "(file)", f"not valid YAML: {_yaml_message(exc)}")]

    duplicates = _duplicate_keys(node, "")
    if duplicates:
        return [
            Problem(path, where or "(file)", f"duplicate key {key!r}") for where, key in duplicates
        ]

    result = validate_document(
        data,
        name=name,
        source=path.relative_to(root).as_posix(),
        url_optional=name.startswith(f"{LOCAL}."),
        include_preview=include_preview,
        raw=_raw_scalars(node),
    )
    if isinstance(result, Rule):
        return result
    return [Problem(path, where, message) for where, message in result]


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)


def _duplicate_keys(node: yaml.Node | None, where: str) -> list[tuple[str, str]]:
    """Keys repeated within one mapping, which ``safe_load`` would silently collapse."""
    found: list[tuple[str, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if key and key in seen:
                found.append((where, key))
            seen.add(key)
            found.extend(_duplicate_keys(value_node, f"{where}.{key}" if where else key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, f"{where}[{index}]"))
    return found


def _raw_scalars(node: yaml.Node | None) -> RawScalars:
    """The raw text of the keys of ``values`` and of each plain ``value`` scalar."""
    values_node = _child(node, "values")
    if not isinstance(values_node, yaml.MappingNode):
        return RawScalars()
    keys: list[str] = []
    texts: dict[str, str] = {}
    for key_node, entry_node in values_node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            return RawScalars()
        key = str(key_node.value)
        keys.append(key)
        value_node = _child(entry_node, "value")
        if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
            texts[key] = str(value_node.value)
    return RawScalars(value_keys=tuple(keys), value_texts=texts)


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None

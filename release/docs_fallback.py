"""The reference page without JavaScript: every operation, its parameters, request bodies and
responses, and the schemas they use, rendered here from the bundled spec as plain HTML.

Redoc draws the page with JavaScript; a reader whose browser runs none (a locked-down mail
client, a text browser, a strict policy) saw no operation (issue 24). `docs_page` puts this
HTML before Redoc's element, with an inline script that removes it: it stays exactly where no
script runs, and is never beside what Redoc draws.
Descriptions are CommonMark, rendered by markdown-it with raw HTML off, so nothing in the spec
becomes markup of its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt

from contract.refs import Pointer, resolve

METHODS = ("get", "put", "post", "patch", "delete", "options", "head", "trace")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_BOUNDS = (
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minimum", "≥ {}"),
    ("maximum", "≤ {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("maxProperties", "at most {} properties"),
)
STYLE = (
    ".no-script{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;"
    "padding:0 1rem;line-height:1.5}.no-script table{border-collapse:collapse;width:100%;"
    "table-layout:fixed;margin:.5rem 0 1rem}.no-script th,.no-script td{border:1px solid #ccc;"
    "padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    ".no-script section{border-top:1px solid #ccc;margin-top:1.5rem}"
)

Bundle = Mapping[str, Any]


def markdown(text: object) -> str:
    """A description as HTML (CommonMark; raw HTML in it is shown as text)."""
    return _MARKDOWN.render(str(text)) if text else ""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _anchor(name: str) -> str:
    return "schema-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _as_mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}


def schema_summary(spec: Bundle, schema: Any) -> str:
    """One line of HTML for a schema: a link to a named schema, or its type and constraints."""
    schema = _as_mapping(schema)
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return f'<a href="#{_anchor(name)}">{_esc(name)}</a>'
    if isinstance(ref, str):
        return schema_summary(spec, resolve(spec, schema, ())[0])
    for key, joiner in (("anyOf", " or "), ("oneOf", " or "), ("allOf", " and ")):
        members = schema.get(key)
        if isinstance(members, list):
            return joiner.join(schema_summary(spec, member) for member in members)
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    words = [" or ".join(_esc(k) for k in kinds)] if kinds else []
    if "format" in schema:
        words.append(f"({_esc(schema['format'])})")
    if "items" in schema:
        words.append(f"of {schema_summary(spec, schema['items'])}")
    if isinstance(schema.get("enum"), list):
        words.append("one of " + ", ".join(f"<code>{_esc(v)}</code>" for v in schema["enum"]))
    if "const" in schema:
        words.append(f"always <code>{_esc(schema['const'])}</code>")
    words.extend(text.format(_esc(schema[key])) for key, text in _BOUNDS if key in schema)
    if "pattern" in schema:
        words.append(f"matching <code>{_esc(schema['pattern'])}</code>")
    if schema.get("not") is not None:
        words.append(f"not {schema_summary(spec, schema['not'])}")
    return " ".join(words) or "any value"


def _table(head: tuple[tuple[str, int], ...], rows: Sequence[tuple[str, ...]]) -> str:
    """A table of `rows` under `head`: each column's title and its share of the width (%)."""
    header = "".join(f'<th style="width:{width}%">{cell}</th>' for cell, width in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _operations(spec: Bundle) -> Iterator[tuple[str, str, Mapping[str, Any], Mapping[str, Any]]]:
    for path, raw_item in _as_mapping(spec.get("paths")).items():
        item = _as_mapping(resolve(spec, raw_item, ("paths", str(path)))[0])
        for method in METHODS:
            if isinstance(item.get(method), Mapping):
                yield str(path), method, item, item[method]


def _parameters(spec: Bundle, item: Bundle, operation: Bundle, at: Pointer) -> str:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for owner in (item, operation):
        for raw in owner.get("parameters") or []:
            node = _as_mapping(resolve(spec, raw, at)[0])
            found[(str(node.get("name")), str(node.get("in")))] = node
    if not found:
        return ""
    rows = [
        (
            f"<code>{_esc(name)}</code>",
            _esc(where),
            "required" if node.get("required") else "optional",
            schema_summary(spec, node.get("schema")),
            markdown(node.get("description")),
        )
        for (name, where), node in found.items()
    ]
    return "<h4>Parameters</h4>" + _table(
        (("name", 18), ("in", 8), ("", 9), ("schema", 25), ("description", 40)), rows
    )


def _content(spec: Bundle, content: Any) -> str:
    rows = [
        (f"<code>{_esc(media)}</code>", schema_summary(spec, _as_mapping(media_type).get("schema")))
        for media, media_type in _as_mapping(content).items()
    ]
    return "; ".join(f"{media}: {schema}" for media, schema in rows)


def _request_body(spec: Bundle, operation: Bundle, at: Pointer) -> str:
    if "requestBody" not in operation:
        return ""
    body = _as_mapping(resolve(spec, operation["requestBody"], at)[0])
    need = "required" if body.get("required") else "optional"
    return (
        f"<h4>Request body ({need})</h4>{markdown(body.get('description'))}"
        f"<p>{_content(spec, body.get('content'))}</p>"
    )


def _responses(spec: Bundle, operation: Bundle, at: Pointer) -> str:
    rows = []
    for status, raw in _as_mapping(operation.get("responses")).items():
        response = _as_mapping(resolve(spec, raw, at)[0])
        headers = ", ".join(f"<code>{_esc(h)}</code>" for h in _as_mapping(response.get("headers")))
        rows.append(
            (
                f"<code>{_esc(status)}</code>",
                markdown(response.get("description")),
                _content(spec, response.get("content")) or "no content",
                headers,
            )
        )
    return "<h4>Responses</h4>" + _table(
        (("status", 8), ("description", 42), ("body", 25), ("headers", 25)), rows
    )


def _security(spec: Bundle, operation: Bundle) -> str:
    requirements = operation.get("security", spec.get("security")) or []
    alternatives = [
        " and ".join(
            f"{_esc(scheme)} ({', '.join(f'<code>{_esc(s)}</code>' for s in scopes)})"
            for scheme, scopes in _as_mapping(requirement).items()
        )
        for requirement in requirements
    ]
    return f"<p>Authorization: {' or '.join(alternatives)}</p>" if alternatives else ""


def _operation(spec: Bundle, path: str, method: str, item: Bundle, operation: Bundle) -> str:
    at: Pointer = ("paths", path, method)
    title = operation.get("summary") or operation.get("operationId") or f"{method} {path}"
    return (
        f'<section id="operation-{_esc(operation.get("operationId", method))}">'
        f"<h3>{_esc(title)}</h3><p><code>{_esc(method.upper())} {_esc(path)}</code></p>"
        f"{markdown(operation.get('description'))}{_security(spec, operation)}"
        f"{_parameters(spec, item, operation, at)}{_request_body(spec, operation, at)}"
        f"{_responses(spec, operation, at)}</section>"
    )


def _schema(spec: Bundle, name: str, schema: Bundle) -> str:
    required = set(schema.get("required") or [])
    rows = [
        (
            f"<code>{_esc(prop)}</code>",
            "required" if prop in required else "optional",
            schema_summary(spec, value),
            markdown(_as_mapping(value).get("description")),
        )
        for prop, value in _as_mapping(schema.get("properties")).items()
    ]
    table = (
        _table((("property", 20), ("", 9), ("schema", 31), ("description", 40)), rows)
        if rows
        else ""
    )
    summary = "" if rows else f"<p>{schema_summary(spec, schema)}</p>"
    return (
        f'<section id="{_anchor(name)}"><h3>{_esc(name)}</h3>'
        f"{markdown(schema.get('description'))}{summary}{table}</section>"
    )


def fallback_html(spec: Bundle) -> str:
    """The page's content as plain HTML: servers, then every operation, then every schema."""
    info = _as_mapping(spec.get("info"))
    servers = [
        f"<li><code>{_esc(server.get('url'))}</code>: {markdown(server.get('description'))}</li>"
        for server in spec.get("servers") or []
        if isinstance(server, Mapping)
    ]
    parts = [
        f"<style>{STYLE}</style>",
        '<div class="no-script">',
        "<p><strong>This page draws itself with JavaScript, which does not run here: this is "
        "the same reference in plain HTML.</strong></p>",
        f"<h1>{_esc(info.get('title', ''))} {_esc(info.get('version', ''))}</h1>",
        markdown(info.get("description")),
        f"<h2>Servers</h2><ul>{''.join(servers)}</ul>" if servers else "",
        "<h2>Operations</h2>",
        *(_operation(spec, *found) for found in _operations(spec)),
        "<h2>Schemas</h2>",
        *(
            _schema(spec, str(name), _as_mapping(schema))
            for name, schema in _as_mapping(
                _as_mapping(spec.get("components")).get("schemas")
            ).items()
        ),
        "</div>",
    ]
    return "\n".join(part for part in parts if part)

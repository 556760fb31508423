"""Security: requirements, global and per operation, and the schemes they name.

Requirements: alternatives and scopes added or removed.

A requirement list holds alternatives: a client meets one of them. An alternative found in both
lists, scopes and all, is unchanged. Of the rest, an alternative is known by its set of scheme
names, so that a changed scope list is a change inside one alternative; when several alternatives
name the same schemes (one OAuth scheme whose flows offer different scopes, say), those sharing
the most scopes are paired, and the ones left over are removed and added as they are. An empty
alternative (``{}``), like an empty list, lets anyone call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from contract.refs import escape
from spec_diff.changes import NON_BREAKING, Change, Spec, description_changes, fixed
from spec_diff.resolve import as_list, as_mapping

_Alternative = dict[str, frozenset[str]]


def global_security_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    """Compare the top-level ``security`` of both documents."""
    old, new = _requirements(base.get("security")), _requirements(rev.get("security"))
    yield from _security_changes(old, new, "api-global-security", "global security", "/security")


def operation_security_changes(
    base: Spec,
    rev: Spec,
    where: str,
    ops: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointer: str,
) -> Iterator[Change]:
    """Compare what an operation effectively requires, when either side declares its own."""
    bop, rop = ops
    if "security" not in bop and "security" not in rop:
        return  # both inherit the global requirements, which are compared once
    old = _requirements(bop.get("security", base.get("security")))
    new = _requirements(rop.get("security", rev.get("security")))
    yield from _security_changes(old, new, "api-security", where, f"{pointer}/security")


def _requirements(value: Any) -> list[_Alternative]:
    """Security requirements, each one alternative: its schemes and their scopes."""
    found: list[_Alternative] = []
    for requirement in as_list(value):
        alternative = {
            str(scheme): frozenset(str(scope) for scope in as_list(scopes))
            for scheme, scopes in as_mapping(requirement).items()
        }
        if alternative not in found:
            found.append(alternative)
    return found


def _open(requirements: list[_Alternative]) -> bool:
    """Whether anyone may call: nothing is required, or one alternative is empty (``{}``)."""
    return not requirements or {} in requirements


def _by_schemes(alternatives: list[_Alternative]) -> dict[frozenset[str], list[_Alternative]]:
    grouped: dict[frozenset[str], list[_Alternative]] = {}
    for alternative in alternatives:
        grouped.setdefault(frozenset(alternative), []).append(alternative)
    return grouped


def _security_changes(
    old: list[_Alternative], new: list[_Alternative], stem: str, where: str, pointer: str
) -> Iterator[Change]:
    # Alternatives added or removed lock a client out only when the revision requires something:
    # then a removed one leaves its clients no way in, and one added where anyone could call
    # refuses every client that sent no credentials. oasdiff rates both INFO whatever the case.
    locks_out = not _open(new)
    before = _by_schemes([alternative for alternative in old if alternative not in new])
    after = _by_schemes([alternative for alternative in new if alternative not in old])
    for key in sorted(before.keys() | after.keys(), key=sorted):
        removed, added = before.get(key, []), after.get(key, [])
        for was, now in _pairs(removed, added):
            yield from _scope_changes(was, now, stem, where, pointer)
        for alternative in removed:
            text = f"security requirement {_named(alternative)} removed"
            yield _rated(fixed(f"{stem}-removed", where, pointer, text), locks_out)
        for alternative in added:
            text = f"security requirement {_named(alternative)} added"
            yield _rated(fixed(f"{stem}-added", where, pointer, text), locks_out and _open(old))


def _pairs(
    removed: list[_Alternative], added: list[_Alternative]
) -> Iterator[tuple[_Alternative, _Alternative]]:
    """Alternatives of the same schemes read as one whose scopes changed, taken out of both
    lists: a lone pair always, otherwise those that share the most scopes (some at least)."""
    while removed and added:
        shared, was, now = max(
            ((len(_scopes(was) & _scopes(now)), was, now) for was in removed for now in added),
            key=lambda found: found[0],
        )
        if not shared and (len(removed), len(added)) != (1, 1):
            return
        removed.remove(was)
        added.remove(now)
        yield was, now


def _scopes(alternative: _Alternative) -> frozenset[tuple[str, str]]:
    return frozenset((scheme, scope) for scheme, scopes in alternative.items() for scope in scopes)


def _named(alternative: _Alternative) -> str:
    """`[scheme (scope, ...), ...]`: which alternative, even beside others of the same schemes."""
    named = [
        f"{scheme} ({', '.join(sorted(scopes))})" if scopes else scheme
        for scheme, scopes in sorted(alternative.items())
    ]
    return f"[{', '.join(named)}]"


def _scope_changes(
    old: _Alternative, new: _Alternative, stem: str, where: str, pointer: str
) -> Iterator[Change]:
    """The scopes one alternative gained or lost, scheme by scheme."""
    for scheme in sorted(old):
        for scope in sorted(new[scheme] - old[scheme]):
            text = f"scope '{scope}' added to '{scheme}'"
            yield fixed(f"{stem}-scope-added", where, pointer, text)
        for scope in sorted(old[scheme] - new[scheme]):
            text = f"scope '{scope}' removed from '{scheme}'"
            yield fixed(f"{stem}-scope-removed", where, pointer, text)


def _rated(change: Change, locks_out: bool) -> Change:
    return change if locks_out else replace(change, level=NON_BREAKING)


# Where a flow sends its client, compared one by one: (key, rule id, words).
_FLOW_URLS = (
    ("authorizationUrl", "api-security-component-oauth-url-changed", "authorization URL"),
    ("tokenUrl", "api-security-component-oauth-token-url-changed", "token URL"),
    ("refreshUrl", "local-api-security-component-oauth-refresh-url-changed", "refresh URL"),
)


def scheme_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    """Compare `components.securitySchemes`: schemes, their type, OAuth flows, URLs and scopes.

    A client configured from the spec follows these, so a moved token URL or a flow removed is
    named like any other change, with oasdiff's rule ids where it has one.
    """
    old = _schemes(base)
    new = _schemes(rev)
    for name in sorted(old.keys() - new.keys()):
        text = f"security scheme '{name}' removed"
        yield fixed("api-security-component-removed", "components", _pointer(name), text)
    for name in sorted(new.keys() - old.keys()):
        text = f"security scheme '{name}' added"
        yield fixed("api-security-component-added", "components", _pointer(name), text)
    for name in sorted(old.keys() & new.keys()):
        before, after, pointer = old[name], new[name], _pointer(name)
        if before.get("type") != after.get("type"):
            text = f"type changed from {before.get('type')!r} to {after.get('type')!r}"
            yield fixed("api-security-component-type-changed", "components", pointer, text)
        yield from description_changes("components", before, after, pointer)
        yield from _flows_changes(
            as_mapping(before.get("flows")), as_mapping(after.get("flows")), f"{pointer}/flows"
        )


def _schemes(doc: Spec) -> dict[str, Mapping[str, Any]]:
    schemes = as_mapping(as_mapping(doc.get("components")).get("securitySchemes"))
    return {str(name): as_mapping(scheme) for name, scheme in schemes.items()}


def _pointer(name: str) -> str:
    return f"/components/securitySchemes/{escape(name)}"


def _flows_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], pointer: str
) -> Iterator[Change]:
    for flow in sorted(old.keys() - new.keys()):
        text = f"OAuth flow '{flow}' removed"
        yield fixed("local-api-security-component-oauth-flow-removed", "components", pointer, text)
    for flow in sorted(new.keys() - old.keys()):
        text = f"OAuth flow '{flow}' added"
        yield fixed("local-api-security-component-oauth-flow-added", "components", pointer, text)
    for flow in sorted(old.keys() & new.keys()):
        before, after = as_mapping(old[flow]), as_mapping(new[flow])
        at = f"{pointer}/{escape(flow)}"
        for key, rule, words in _FLOW_URLS:
            if before.get(key) != after.get(key):
                was, now = before.get(key) or "none", after.get(key) or "none"
                text = f"{words} of '{flow}' changed from {was} to {now}"
                yield fixed(rule, "components", f"{at}/{key}", text)
        scopes_before = as_mapping(before.get("scopes"))
        scopes_after = as_mapping(after.get("scopes"))
        for scope in sorted(scopes_before.keys() - scopes_after.keys()):
            text = f"scope '{scope}' removed from '{flow}'"
            yield fixed("api-security-component-oauth-scope-removed", "components", at, text)
        for scope in sorted(scopes_after.keys() - scopes_before.keys()):
            text = f"scope '{scope}' added to '{flow}'"
            yield fixed("api-security-component-oauth-scope-added", "components", at, text)
        for scope in sorted(scopes_before.keys() & scopes_after.keys()):
            if scopes_before[scope] != scopes_after[scope]:
                text = f"description of scope '{scope}' of '{flow}' changed"
                yield fixed("api-security-component-oauth-scope-changed", "components", at, text)

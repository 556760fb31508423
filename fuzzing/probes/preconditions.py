"""Probes of `If-Match`: the current `ETag` applies, a made-up or stale one is 412.

schemathesis cannot know which `ETag` is current, so every `If-Match` it sends is made up and
none is merely stale; these take the current `ETag` from the run, then make it stale. An `ETag`
is used only on the request right after the exchange that gave it: a service may hand out a new
one on every PATCH, the harness's reads included (D36).
"""

from __future__ import annotations

from fuzzing.facts import contract
from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, SkipError, as_json, probe


@probe(
    order=50,
    covers=("D12", "D36", "status:update*:412", "header:ETag", "request:parameter.If-Match:*"),
)
def if_match(prober: Prober) -> None:
    """`If-Match` with the current `ETag` applies; a stale one is 412 and changes nothing."""
    if "ifMatch" not in contract().document["components"].get("parameters", {}):
        raise SkipError("the spec declares no If-Match")
    url, key = prober.runs[0]
    check = "if_match_honoured"
    first = prober.send("PATCH", url, as_json({"displayName": "probe: if-match"}))
    if not prober.expect(first, {200}, check, "a plain update"):
        return
    if first.response_header("etag") is None:
        prober.report(check, first, "200 to Update run without an `ETag`")
        return
    body = NEVER_APPLIED_BODY
    made_up = {"If-Match": '"probe-never-issued"'}
    prober.refused("PATCH", url, body, {412}, check, "a made-up ETag", key, headers=made_up)
    # A read is a PATCH, and may hand out a new ETag even though it changes nothing
    # (D36): the ETag is taken from the last exchange before the update that uses it, a
    # read whose run is then the state the refused update is judged against, not read again.
    etag = prober.read(key).etag or "*"
    # If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, so 412 is right
    # for one; a server that compares weakly instead applies it.
    weak = etag.startswith("W/")
    update = as_json({"displayName": "probe: if-match current"})
    expected, what = {200, 412} if weak else {200}, f"If-Match with the current ETag {etag}"
    current = prober.refused(
        "PATCH", url, update, expected, check, what, key, headers={"If-Match": etag}
    )
    if current.status == 200:
        if current.response_header("etag") == etag:
            prober.report(check, current, f"the ETag {etag} did not change with the run")
        else:
            stale = {"If-Match": etag}
            prober.refused(
                "PATCH", url, body, {412}, check, "an ETag made stale", key, headers=stale
            )
    anything = prober.send(
        "PATCH", url, as_json({"displayName": "probe: if-match any"}), headers={"If-Match": "*"}
    )
    prober.expect(anything, {200}, check, "If-Match: *")

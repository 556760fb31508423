"""Which URLs name this service: one comparison (`contract.api.origin`, RFC 3986's scheme and host
in any case, a default port the same as none) for the server and the fuzzer, so a correct service
that links `https://GRAPH.microsoft.com:443/beta/...` is no finding and the reference server does
what the fuzzer expects of it."""

from __future__ import annotations

import pytest

from contract.api import origin, same_base
from fuzzing.checks.runs import reference_refusal
from fuzzing.exchange import route_of
from fuzzing.facts import contract
from reference_server.references import MalformedReferenceError, parse_reference, production_bases

REQUEST = "http://127.0.0.1:8000/beta/industryData/incomingFlows/f/runs/parent/process/runs/$ref"
RUN = "/industryData/incomingFlows/f/runs/child"


@pytest.mark.parametrize(
    ("base", "links"),
    [
        ("https://graph.microsoft.com/beta", True),
        ("https://GRAPH.Microsoft.com/beta", True),
        ("HTTPS://graph.microsoft.com:443/beta", True),
        ("http://127.0.0.1:8000/beta", True),
        ("http://127.0.0.1:80/beta", False),
        ("http://graph.microsoft.com/beta", False),
        ("https://graph.microsoft.com:8443/beta", False),
        ("https://graph.microsoft.com/BETA", False),
        ("https://user@graph.microsoft.com/beta", False),
    ],
)
def test_the_server_and_the_fuzzer_agree_which_references_name_this_service(
    base: str, links: bool
) -> None:
    url = base + RUN
    route = route_of(REQUEST)
    assert route is not None
    fuzzer_links = reference_refusal(route, url) is None
    try:
        parse_reference(url, [route.base_url, *production_bases(contract().document)])
        server_links = True
    except MalformedReferenceError:
        server_links = False
    assert (fuzzer_links, server_links) == (links, links)


def test_an_origin_is_scheme_host_and_port_as_urls_compare_them() -> None:
    assert origin("HTTPS://Graph.Microsoft.com/beta") == ("https", "graph.microsoft.com", 443)
    assert origin("http://127.0.0.1:8000/x") == ("http", "127.0.0.1", 8000)
    assert origin("https://graph.microsoft.com:99999/") is None
    assert origin("/beta") is None
    assert same_base("https://graph.microsoft.com:443/beta/", "https://GRAPH.microsoft.com/beta")
    assert not same_base("https://graph.microsoft.com/beta", "https://graph.microsoft.com/v1.0")

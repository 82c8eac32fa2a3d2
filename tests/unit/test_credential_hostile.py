"""verify_jwt never raises, whatever shape of token it is given: a plain verdict for each."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.certificates import credential, keys

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)
claims = st.fixed_dictionaries({}, optional={
    "iss": st.one_of(st.text(max_size=30), st.just("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
                     json_values),
    "vc": json_values, "type": json_values, "issuer": json_values, "credentialSubject": json_values,
    "id": json_values, "nbf": json_values, "exp": json_values})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@settings(max_examples=200, deadline=None)
@given(header=st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit"]), json_values, max_size=4),
       payload=st.one_of(claims, json_values), signature=st.binary(max_size=80))
def test_any_token_shape_gets_a_verdict_not_an_exception(header, payload, signature):
    token = ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])
    result = credential.verify_jwt(token, trusted={"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"})
    assert not result.ok and result.message


def test_a_well_signed_token_with_a_mismatched_issuer_is_refused():
    key = keys.IssuerKey(1, keys.Ed25519PrivateKey.generate())
    other = keys.IssuerKey(2, keys.Ed25519PrivateKey.generate())
    vc = {"id": "urn:uuid:x", "type": ["VerifiableCredential", "OpenBadgeCredential"],
          "issuer": {"id": other.did}, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {}}
    token = credential.sign(vc, key)  # iss is taken from the body: the other key's DID, signed by this one
    assert not credential.verify_jwt(token).ok

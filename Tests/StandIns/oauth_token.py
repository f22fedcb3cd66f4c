"""Stand-in for Google's OAuth 2.0 token endpoint (JWT-bearer grant, RFC 7523).

POST /token  form: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>
  The JWT must be RS256, signed by a registered key (verified here in pure Python: modular
  exponentiation and the PKCS#1 v1.5 SHA-256 encoding, independent of OpenSSL), with
  iss = a registered client email, aud = http://127.0.0.1:<port>/token, a non-empty scope,
  iat not in the future (60 s skew) and exp in the future, exp - iat <= 3600.
  OK  -> 200 {"access_token": "standin-token-<n>", "expires_in": <s>, "token_type": "Bearer"}
  bad -> 400 {"error": "invalid_grant", "error_description": "<why>"}

Control (plus the common ones in standin_common.py):
  POST /control/keys   {"clientEmail": "...", "publicKeyPem": "-----BEGIN PUBLIC KEY-----..."}
  POST /control/config {"expiresIn": 3600}
  GET  /control/issued -> {"issued": <number of tokens issued>, "rejected": [<reasons>]}
"""
import base64
import binascii
import hashlib
import json
import time
import urllib.parse

from standin_common import HTTPFailure, StandIn, serve

SHA256_DIGEST_INFO = binascii.unhexlify("3031300d060960864801650304020105000420")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_read(data, offset):
    """Returns (tag, value bytes, offset after) of the DER element at offset."""
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    return tag, data[offset:offset + length], offset + length


def rsa_public_numbers(pem):
    """(n, e) from a SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")."""
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    der = base64.b64decode(body)
    _, spki, _ = der_read(der, 0)                 # SubjectPublicKeyInfo SEQUENCE
    _, _, offset = der_read(spki, 0)              # AlgorithmIdentifier
    tag, bitstring, _ = der_read(spki, offset)    # BIT STRING
    if tag != 0x03:
        raise ValueError("not a SubjectPublicKeyInfo")
    _, rsa_key, _ = der_read(bitstring[1:], 0)    # RSAPublicKey SEQUENCE (skip unused-bits byte)
    _, n_bytes, offset = der_read(rsa_key, 0)
    _, e_bytes, _ = der_read(rsa_key, offset)
    return int.from_bytes(n_bytes, "big"), int.from_bytes(e_bytes, "big")


def rs256_verify(n, e, message, signature):
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    encoded = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return encoded == expected


class OAuthStandIn(StandIn):
    kind = "oauth"

    def __init__(self):
        super().__init__()
        self.reset_state()

    def reset_state(self):
        self.keys = {}
        self.expires_in = 3600
        self.issued = 0
        self.rejected = []

    def control(self, method, path, body):
        if path == "/control/keys" and method == "POST":
            with self.lock:
                self.keys[body["clientEmail"]] = rsa_public_numbers(body["publicKeyPem"])
            return {"ok": True}
        if path == "/control/config" and method == "POST":
            with self.lock:
                self.expires_in = int(body.get("expiresIn", self.expires_in))
            return {"ok": True}
        if path == "/control/issued":
            with self.lock:
                return {"issued": self.issued, "rejected": list(self.rejected)}
        return super().control(method, path, body)

    def reject(self, reason):
        with self.lock:
            self.rejected.append(reason)
        return 400, {"error": "invalid_grant", "error_description": reason}, "application/json"

    def handle(self, method, path, query, headers, body):
        if path != "/token" or method != "POST":
            raise HTTPFailure(404, "NOT_FOUND", f"no route for {method} {path}")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self.reject("Content-Type must be application/x-www-form-urlencoded")
        form = urllib.parse.parse_qs(body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}, "application/json"
        assertion = (form.get("assertion") or [""])[0]
        parts = assertion.split(".")
        if len(parts) != 3:
            return self.reject("assertion is not a JWT")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except (ValueError, binascii.Error):
            return self.reject("assertion segments are not base64url JSON")
        if header.get("alg") != "RS256":
            return self.reject(f"alg {header.get('alg')!r} is not RS256")
        with self.lock:
            key = self.keys.get(claims.get("iss"))
        if key is None:
            return self.reject(f"unknown iss {claims.get('iss')!r}")
        if not rs256_verify(key[0], key[1], f"{parts[0]}.{parts[1]}".encode(), signature):
            return self.reject("Invalid JWT Signature.")
        audience = f"http://127.0.0.1:{self.port}/token"
        if claims.get("aud") != audience:
            return self.reject(f"aud {claims.get('aud')!r} is not {audience}")
        if not claims.get("scope"):
            return self.reject("no scope")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            return self.reject("iat and exp must be integers")
        if iat > now + 60:
            return self.reject("iat is in the future")
        if exp <= now:
            return self.reject("JWT has expired")
        if exp - iat > 3600:
            return self.reject("exp - iat exceeds one hour")
        with self.lock:
            self.issued += 1
            token = f"standin-token-{self.issued}"
            expires_in = self.expires_in
        return 200, {"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}, "application/json"


if __name__ == "__main__":
    serve(OAuthStandIn())

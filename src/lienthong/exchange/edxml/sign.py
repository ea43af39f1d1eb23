"""The XML-DSig signature over a whole edXML package (enveloped, Reference URI=""), put in
edXMLHeader where the builder left its placeholder, with the certificate chain in KeyInfo.

We sign RSA-SHA256 / SHA-256 with C14N 1.0; on receipt we also accept RSA-SHA1 / SHA-1 (older
axis SDKs still emit them). Verification says three things: is there a signature, does it hold
(digest and value, with the certificate carried in KeyInfo), and does that certificate chain to
one of the anchors the caller trusts. Whitespace is signed: never re-serialise a signed package."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import (
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
    methods,
)
from signxml.exceptions import InvalidInput, InvalidSignature

from .model import DSIG_NS

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"


def sign(xml: bytes, *, key_pem: bytes, certificates: Sequence[bytes]) -> bytes:
    """Sign a package built by build.py: `certificates` is the signer's certificate first,
    then its CA chain (PEM each)."""
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=C14N,
    )
    root = etree.fromstring(xml)
    signed = signer.sign(root, key=key_pem, cert=[c.decode() for c in certificates])
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    valid: bool
    trusted: bool
    algorithm: str = ""
    subject: str = ""
    fingerprint: str = ""
    problem: str = ""

    @property
    def label(self) -> str:
        if not self.present:
            return "unsigned"
        if not self.valid:
            return "invalid"
        return "trusted" if self.trusted else "valid-untrusted"


_ANY = SignatureConfiguration(
    signature_methods=frozenset(SignatureMethod),
    digest_algorithms=frozenset(DigestAlgorithm),
)


def _signature_element(root: etree._Element) -> etree._Element | None:
    found = root.find(f".//{{{DSIG_NS}}}Signature")
    return found


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            assert cert.signature_hash_algorithm is not None
            key.verify(
                cert.signature,
                cert.tbs_certificate_bytes,
                padding.PKCS1v15(),
                cert.signature_hash_algorithm,
            )
        elif isinstance(key, ec.EllipticCurvePublicKey):
            assert cert.signature_hash_algorithm is not None
            key.verify(
                cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm)
            )
        else:
            return False
    except Exception:
        return False
    return True


def chains_to(
    cert: x509.Certificate, others: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate]
) -> bool:
    """Does `cert` chain (through `others`) to one of `anchors`? (validity dates not checked
    here: a package signed with a certificate valid then stays evidence)."""
    current = cert
    pool = list(others) + list(anchors)
    for _ in range(8):
        if any(current == anchor for anchor in anchors):
            return True
        issuer = next((c for c in pool if c != current and _issued_by(current, c)), None)
        if issuer is None:
            return False
        current = issuer
    return False


def verify(xml: bytes, *, anchors: Sequence[bytes] = ()) -> SignatureCheck:
    """Check the package's signature with the certificate it carries; `anchors` are PEM or DER
    certificates we trust (the agency's trust store)."""
    start = xml.find(b"<")
    xml = xml[start:] if start > 0 else xml
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return SignatureCheck(False, False, False, problem=f"not XML: {exc}")
    node = _signature_element(root)
    if node is None or node.find(f"{{{DSIG_NS}}}SignatureValue") is None:
        return SignatureCheck(False, False, False, problem="no signature")
    method = node.find(f".//{{{DSIG_NS}}}SignatureMethod")
    algorithm = method.get("Algorithm", "") if method is not None else ""
    certs_b64 = [
        (el.text or "").strip() for el in node.iter(f"{{{DSIG_NS}}}X509Certificate") if el.text
    ]
    if not certs_b64:
        return SignatureCheck(True, False, False, algorithm, problem="no certificate in KeyInfo")
    try:
        certs = [x509.load_der_x509_certificate(_b64(c)) for c in certs_b64]
    except ValueError:
        return SignatureCheck(True, False, False, algorithm, problem="unreadable certificate")
    signer_cert = certs[0]
    pem = signer_cert.public_bytes(Encoding.PEM).decode()
    subject = signer_cert.subject.rfc4514_string()
    fingerprint = signer_cert.fingerprint(hashes.SHA256()).hex()
    try:
        XMLVerifier().verify(xml, x509_cert=pem, expect_config=_ANY)
    except (InvalidSignature, InvalidInput) as exc:
        problem = _verify_unprefixed(root, node, signer_cert)
        if problem is not None:
            problem = problem or str(exc)
            return SignatureCheck(True, False, False, algorithm, subject, fingerprint, problem)
    except Exception as exc:  # signxml raises several kinds on malformed signatures
        return SignatureCheck(True, False, False, algorithm, subject, fingerprint, str(exc))
    trusted_anchors = [_load_cert(a) for a in anchors]
    trusted = chains_to(signer_cert, certs[1:], [a for a in trusted_anchors if a is not None])
    return SignatureCheck(True, True, trusted, algorithm, subject, fingerprint)


# --- Unprefixed <Signature> (the axis SDK's form) ---------------------------------------------
#
# libxml2 2.14's subtree canonicalisation writes xmlns="" on the grandchildren of a SignedInfo
# that lives in a *default* namespace, so signxml computes the wrong SignedInfo bytes for the
# unprefixed <Signature xmlns="…xmldsig#"> the national axis SDK emits (xmlsec1 verifies the same
# file). For that form only we check it ourselves, narrowly: one Reference URI="", the enveloped
# transform then C14N 1.0 or exclusive C14N, RSA PKCS#1 v1.5 with SHA-1/256/512.

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}
_INCLUSIVE = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
}
_EXCLUSIVE = {"http://www.w3.org/2001/10/xml-exc-c14n#"}
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


def _c14n(node: etree._Element, algorithm: str, *, whole: bool = False) -> bytes:
    if algorithm not in _INCLUSIVE | _EXCLUSIVE:
        raise ValueError(f"canonicalisation {algorithm} not supported")
    exclusive = algorithm in _EXCLUSIVE
    comments = algorithm.endswith("#WithComments")
    if whole:
        return etree.tostring(
            node.getroottree(), method="c14n", exclusive=exclusive, with_comments=comments
        )
    # A standalone copy carrying every namespace in scope (inclusive C14N keeps them).
    copy = etree.Element(node.tag, attrib=dict(node.attrib), nsmap=node.nsmap)
    for child in node:
        copy.append(deepcopy(child))
    copy.text = node.text
    return etree.tostring(copy, method="c14n", exclusive=exclusive, with_comments=comments)


def _verify_unprefixed(
    root: etree._Element, node: etree._Element, cert: x509.Certificate
) -> str | None:
    """None when the signature holds; otherwise the problem ("" = use signxml's message)."""
    if node.prefix is not None:
        return ""
    ds = f"{{{DSIG_NS}}}"
    info = node.find(f"{ds}SignedInfo")
    value = node.find(f"{ds}SignatureValue")
    if info is None or value is None:
        return "incomplete signature"
    references = info.findall(f"{ds}Reference")
    c14n_el = info.find(f"{ds}CanonicalizationMethod")
    method_el = info.find(f"{ds}SignatureMethod")
    if len(references) != 1 or references[0].get("URI") != "" or c14n_el is None:
        return ""  # not the axis SDK's form: signxml's verdict stands
    reference = references[0]
    transforms = [t.get("Algorithm", "") for t in reference.iter(f"{ds}Transform")]
    if not transforms or transforms[0] != _ENVELOPED or len(transforms) > 2:
        return ""
    doc_c14n = transforms[1] if len(transforms) == 2 else next(iter(_INCLUSIVE))
    digest_el = reference.find(f"{ds}DigestMethod")
    digest_value = reference.find(f"{ds}DigestValue")
    digest_alg = _algorithm(digest_el)
    sign_alg = _algorithm(method_el)
    if digest_alg is None or sign_alg is None or digest_value is None:
        return ""
    try:
        signed_info = _c14n(info, c14n_el.get("Algorithm", ""))
        document = deepcopy(root)
        for sig in document.iter(f"{ds}Signature"):
            parent = sig.getparent()
            if parent is not None and sig.find(f"{ds}SignatureValue") is not None:
                _remove_keep_tail(sig)
                break
        digest = hashes.Hash(digest_alg())
        digest.update(_c14n(document, doc_c14n, whole=True))
        if digest.finalize() != _b64(digest_value.text or ""):
            return "the package was changed after it was signed (digest mismatch)"
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            return ""
        key.verify(_b64(value.text or ""), signed_info, padding.PKCS1v15(), sign_alg())
    except ValueError as exc:
        return str(exc)
    except Exception:
        return "the signature value does not match"
    return None


def _algorithm(node: etree._Element | None) -> type[hashes.HashAlgorithm] | None:
    return None if node is None else _HASHES.get(node.get("Algorithm", ""))


def _remove_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    assert parent is not None
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _b64(text: str) -> bytes:
    return base64.b64decode("".join(text.split()))


def _load_cert(data: bytes) -> x509.Certificate | None:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        return None

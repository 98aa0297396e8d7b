"""Mail over SMTP, the one path every plugin sends by: the smtp settings, STARTTLS, login, the messages.

The calendar's invitations and a submitted timesheet go out here, so a setting, a refusal or an
untrusted certificate reads the same whichever command sent the mail.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterable
from email.message import EmailMessage

from engage.errors import EngageError
from engage.language import _
from engage.settings.lookup import find_setting, setting

SMTP_VARS = "ENGAGE_SMTP_HOST, ENGAGE_SMTP_PORT, ENGAGE_SMTP_USER, ENGAGE_SMTP_PASSWORD, ENGAGE_SMTP_STARTTLS"


def send_mail(messages: Iterable[EmailMessage], sent: Callable[[EmailMessage], None] | None = None) -> None:
    """Send ``messages`` over one SMTP connection from the smtp settings (the ENGAGE_SMTP_* variables,
    else the config files: ``engage config smtp.host ...``), calling ``sent`` after each accepted.

    Every failure (no server, a refused login or recipient, an untrusted certificate, a dropped
    connection) is one :class:`EngageError` line that never shows the password; the messages
    accepted before it have had their ``sent``."""
    import smtplib  # here, not at the top: off the path of every command that sends nothing

    host, port, starttls, user, password = _smtp_settings()
    where = f"{host}:{port}"
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as smtp:
            if starttls:
                smtp.starttls(context=tls_context())
            if user:
                smtp.login(user, password)
            for message in messages:
                smtp.send_message(message)
                if sent is not None:
                    sent(message)
    except smtplib.SMTPAuthenticationError:
        raise EngageError(
            _("SMTP server {server} refused the login of {user}; check ENGAGE_SMTP_USER/PASSWORD").format(
                server=where, user=repr(user)
            )
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise EngageError(
            _("SMTP server {server}: {error}; set ENGAGE_SMTP_STARTTLS=0 if it has no TLS").format(
                server=where, error=str(exc).rstrip(".")
            )
        ) from None
    except ssl.SSLCertVerificationError as exc:
        why = getattr(exc, "verify_message", None) or exc  # truststore's Windows backend sets none
        raise EngageError(
            _(
                "SMTP server {server}: its certificate is not trusted ({why}); set smtp.host to "
                "the name its certificate is for, or add its authority to the system's certificates"
            ).format(server=where, why=why)
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise EngageError(
            _("SMTP server {server} refused the recipients {recipients}").format(
                server=where, recipients=", ".join(exc.recipients)
            )
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise EngageError(
            _("cannot send through SMTP server {server}: {error}").format(server=where, error=exc)
        ) from None


def _smtp_settings() -> tuple[str, str, bool, str, str]:
    """Host, port, whether to STARTTLS, user and password, each checked before connecting."""
    found = find_setting("smtp.host")
    host, source = (found.value.strip(), found.source) if found else ("", "")
    if not host:
        raise EngageError(
            _(
                "no SMTP server: set ENGAGE_SMTP_HOST or engage config smtp.host (and as needed {variables})"
            ).format(variables=SMTP_VARS)
        )
    if not plain_host(host):  # never echoed: it may hold a password (u:pw@host, smtp://u:pw@host)
        named = "ENGAGE_SMTP_HOST" if source.startswith("env") else f"smtp.host ({source})"
        raise EngageError(
            _(
                "{setting} must be a host name or address alone, such as smtp.example.org; give the "
                "user and password in ENGAGE_SMTP_USER and ENGAGE_SMTP_PASSWORD, the port in ENGAGE_SMTP_PORT"
            ).format(setting=named)
        )
    starttls = (setting("smtp.starttls") or "1").strip()
    starttls = {"true": "1", "false": "0"}.get(starttls, starttls)  # a config file's booleans
    if starttls not in ("0", "1"):
        raise EngageError(_("ENGAGE_SMTP_STARTTLS must be 1 or 0, got {value}").format(value=repr(starttls)))
    port_text = (setting("smtp.port") or ("587" if starttls == "1" else "25")).strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise EngageError(
            _("ENGAGE_SMTP_PORT must be a port number such as 587, got {value}").format(value=repr(port_text))
        )
    user = setting("smtp.user") or ""
    password = setting("smtp.password") or ""  # ENGAGE_SMTP_PASSWORD, else the keyring
    if not (user.isascii() and password.isascii()):
        # never show the password, nor a character of it or its position
        raise EngageError(
            _(
                "ENGAGE_SMTP_USER or ENGAGE_SMTP_PASSWORD holds characters other than ASCII, "
                "which SMTP login cannot send; use an ASCII password (an app password, say)"
            )
        )
    return host, port_text, starttls == "1", user, password


def tls_context() -> ssl.SSLContext:
    """TLS checked against the system's own trust store (truststore: the macOS Keychain, Windows' store,
    OpenSSL's on Linux), so a python.org Python on macOS, which has no certificates of its own until
    its "Install Certificates" script is run, can use STARTTLS; Python's defaults where it is missing."""
    try:
        import truststore
    except ImportError:
        return ssl.create_default_context()
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?", re.ASCII)


def plain_host(host: str) -> bool:
    """True for a host name (``smtp.example.org``) or an IP address (``127.0.0.1``, ``::1``) alone:
    no user, password, scheme, port or path."""
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return len(host) <= 253 and _HOST_NAME.fullmatch(host) is not None
    return True

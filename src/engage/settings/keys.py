"""The settings there are: each key, the environment variable that overrides it, and its kind of value."""

from __future__ import annotations

import re

from engage.errors import EngageError
from engage.language import _
from engage.values import frozen

ENGAGEMENT_KEY = r"[A-Za-z0-9_-]+"  # compiled when first matched: not on engage log's path without a file


@frozen
class Key:
    """One setting: its environment variable ("" when none) and what its value must be."""

    name: str
    var: str
    kind: str  # "text", "email", "port", "bool", "list", "path" (a folder), "file", "secret"
    about: str
    personal: bool = False  # never from the local file, which a team shares: it would run code as you


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("user.name", "ENGAGE_CONSULTANT", "text", "who logs, when neither -c nor the schedule decides"),
        Key("user.email", "", "email", "your address"),
        Key("mail.from", "ENGAGE_MAIL_FROM", "email", "the organizer invitations come from"),
        Key("smtp.host", "ENGAGE_SMTP_HOST", "text", "the SMTP server, a bare host name"),
        Key("smtp.port", "ENGAGE_SMTP_PORT", "port", "its port"),
        Key("smtp.user", "ENGAGE_SMTP_USER", "text", "the SMTP login"),
        Key("smtp.password", "ENGAGE_SMTP_PASSWORD", "secret", "the SMTP password", personal=True),
        Key("smtp.starttls", "ENGAGE_SMTP_STARTTLS", "bool", "whether to use STARTTLS"),
        Key("caldav.user", "ENGAGE_CALDAV_USER", "text", "the CalDAV login"),
        Key("caldav.password", "ENGAGE_CALDAV_PASSWORD", "secret", "the CalDAV password", personal=True),
        Key("plugins.dir", "ENGAGE_PLUGINS_DIR", "path", "a folder of .py plugins", personal=True),
        Key(
            "plugins.trusted",
            "ENGAGE_PLUGINS_TRUSTED",
            "path",
            "a plugins folder you vouch for where permissions say nothing (Windows, exFAT, SMB, /mnt/c)",
            personal=True,
        ),
        Key(
            "timesheet.signing_key",
            "ENGAGE_SIGNING_KEY",
            "file",
            "the SSH key timesheets are signed with (default: git's user.signingkey where gpg.format is ssh)",
            personal=True,
        ),
        Key("plugins.load", "ENGAGE_LOAD_PLUGINS", "list", "load only these plugins"),
        Key("plugins.block", "ENGAGE_BLOCK_PLUGINS", "list", "skip these plugins"),
    )
}
PER_ENGAGEMENT = Key("consultant.ID", "", "text", "your consultant key on engagement ID's team")
SHAPE = "user.name, smtp.port, consultant.ENGAGEMENT-ID, ... (engage config --list shows them)"


def key_of(name: str) -> Key | None:
    """The setting ``name`` is, or None when engage has no such key."""
    if name in KEYS:
        return KEYS[name]
    section, dot, rest = name.partition(".")
    if section == "consultant" and dot and re.fullmatch(ENGAGEMENT_KEY, rest):
        return PER_ENGAGEMENT
    return None


def known(name: str) -> Key:
    """The setting ``name`` is; EngageError naming the keys when it is none."""
    key = key_of(name)
    if key is None:
        raise EngageError(
            _("unknown setting {name}; settings are such as {shape}").format(name=repr(name), shape=SHAPE)
        )
    return key


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def checked(name: str, value: object) -> str:
    """``value`` for setting ``name`` as text (booleans: true, false); ValueError saying what would do."""
    kind = known(name).kind
    if kind == "secret":  # never in a message: not even a character of it
        if not isinstance(value, str) or not value or "\n" in value or "\r" in value:
            raise ValueError(_("a password must be one line of text, not empty"))
        return value
    if kind == "bool":
        text = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
        if text in TRUE:
            return "true"
        if text in FALSE:
            return "false"
        raise ValueError(_("{value} is not a boolean; give true or false").format(value=repr(value)))
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(_("{value} is not text; give a quoted string").format(value=repr(value)))
    text = str(value).strip()
    if kind == "list" and isinstance(value, str):
        return ",".join(name.strip() for name in text.split(",") if name.strip())  # empty: none
    if kind == "port":
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise ValueError(
                _("{value} is not a port number; give one from 1 to 65535, such as 587").format(
                    value=repr(value)
                )
            )
        return str(int(text))
    if not isinstance(value, str):
        raise ValueError(_("{value} is not text; give a quoted string").format(value=repr(value)))
    if not text or "\n" in text:
        raise ValueError(
            _("{value} is empty or holds a line break; give one line of text").format(value=repr(value))
        )
    if kind == "email" and not re.match(r"^[^@\s]+@[^@\s]+$", text):
        raise ValueError(
            _("{value} is not an email address; give one such as ana@example.org").format(value=repr(value))
        )
    return text

"""Publish onto a CalDAV calendar (RFC 4791): one resource per event, written only when it changed.

Every write is conditional: ``If-None-Match: *`` to create, ``If-Match: ETAG`` to replace or
delete, with the ETag engage last saw. An event edited on the server since then is a conflict:
named, reported, never overwritten. Items off the calendar are deleted from it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from engage import EngageError, Engagement, setting
from engage_calendar.build import Item, View
from engage_calendar.catalogue import _
from engage_calendar.ics import resource
from engage_calendar.settings import Settings
from engage_calendar.state import Stored, without_user_info

QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><D:getetag/><C:calendar-data/></D:prop>
 <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>
</C:calendar-query>"""
ETAG_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>"""
NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}


@dataclass
class Outcome:
    """What a publish did, counted, with one line per conflict."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``2 added, 1 updated, 0 deleted, 5 unchanged`` (``, 1 in conflict``), in the user's words."""
        text = _("{added} added, {updated} updated, {deleted} deleted, {unchanged} unchanged").format(
            added=self.added, updated=self.updated, deleted=self.deleted, unchanged=self.unchanged
        )
        if self.conflicts:
            text += _(", {count} in conflict").format(count=len(self.conflicts))
        return text


@dataclass
class _Publishing:
    """What every write of one publish shares: the client, the calendar's address, the record of
    what engage last wrote there (updated after each write the server accepts) and the counts."""

    client: object
    base: str
    stored: dict[str, Stored]
    outcome: Outcome


def publish(
    engagement: Engagement,
    items: Sequence[Item],
    view: View,
    settings: Settings,
    url: str,
    stored: dict[str, Stored],
    credentials: tuple[str | None, str | None] = (None, None),
) -> Outcome:
    """Bring the calendar at ``url`` in line with ``items``; ``stored`` is updated after each
    write the server accepts. ``credentials`` (user, password) are those taken out of the URL
    given (:func:`without_credentials`); ``url`` must hold none."""
    from caldav.davclient import DAVClient
    from caldav.lib import error

    base = url if url.endswith("/") else url + "/"
    user = credentials[0] or setting("caldav.user") or None
    password = credentials[1] or setting("caldav.password") or None  # else the keyring
    outcome = Outcome()
    suffix = f".{engagement.id}@engage-tracker"
    try:
        client = DAVClient(url=base, username=user, password=password, timeout=30, require_tls=False)
        run = _Publishing(client, base, stored, outcome)
        remote = {uid: found for uid, found in _listing(client, base).items() if uid.endswith(suffix)}
        wanted = {item.uid: item for item in items if item.on and view.shows(item.event)}
        for uid, item in wanted.items():
            _put(run, engagement, item, settings, remote.get(uid))
        titles = {item.uid: item.event.title for item in items}
        for uid in sorted((set(remote) | set(stored)) - set(wanted)):
            _delete(run, uid, titles.get(uid, uid), remote.get(uid))
    except error.AuthorizationError:
        raise EngageError(
            _(
                "{url}: the CalDAV server refused the credentials; check those in the URL, "
                "in ENGAGE_CALDAV_USER/PASSWORD or in ~/.netrc"
            ).format(url=url)
        ) from None
    except (error.DAVError, OSError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise EngageError(
            _("{url}: CalDAV publish failed: {error}: {reason}").format(
                url=url, error=type(exc).__name__, reason=reason
            )
        ) from None
    return outcome


def without_credentials(url: str) -> tuple[str, tuple[str | None, str | None]]:
    """``url`` with any ``user:password@`` taken out (so it is never printed or stored), and them.

    Without them, credentials come from ENGAGE_CALDAV_USER/PASSWORD, or from ``~/.netrc``.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise EngageError(
            _("{url} is not a CalDAV calendar address; give an http(s):// URL").format(
                url=repr(without_user_info(url))
            )
        )
    url = scheme.lower() + sep + rest  # HTTP://… is http://…
    try:
        parts = urlsplit(url)  # ValueError: "[::1" and the like
        parts.port  # noqa: B018 - a password holding / ? or # leaves a "port" that is not a number
        cut = "@" in parts.path.lstrip("/").split("/", 1)[0]  # http://bob:12/ss@host/: "12/ss" was one
    except ValueError:
        cut = True
    if cut:  # whatever the address says may be part of a password: nothing of it is echoed
        raise EngageError(
            _(
                "the calendar address given is not one engage can read: a password holding / ? or # "
                "must be percent-encoded (%2F, %3F, %23), or given in ENGAGE_CALDAV_PASSWORD"
            )
        )
    if "@" not in parts.netloc:
        return url, (None, None)
    user, password = parts.username, parts.password
    clean = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return clean, (unquote(user) if user else None, unquote(password) if password else None)


def _put(
    run: _Publishing, engagement: Engagement, item: Item, settings: Settings, found: tuple[str, str] | None
) -> None:
    known = run.stored.get(item.uid)
    sequence = item.revision.sequence
    if found is None:
        href = known.href if known else urlsplit(urljoin(run.base, quote(item.uid, safe="@") + ".ics")).path
        headers = {"If-None-Match": "*"}
    else:
        href, etag = found
        if known and known.sequence == sequence:  # nothing new from engage: the server's copy stands
            run.outcome.unchanged += 1
            return
        if known and known.etag != etag:
            run.outcome.conflicts.append(_conflict(item.event.title, CHANGED))
            return
        headers = {"If-Match": etag}  # no record: an earlier engage's copy, just read, is replaced
    body = resource(engagement, item, settings).decode("utf-8")
    response = run.client.request(  # type: ignore[attr-defined]
        urljoin(run.base, href), "PUT", body, {**headers, "Content-Type": "text/calendar; charset=utf-8"}
    )
    if response.status == 412:
        run.outcome.conflicts.append(_conflict(item.event.title, CHANGED_WHILE_PUBLISHING))
        return
    _check(response, "PUT", href)
    etag = response.headers.get("ETag") or _etag(run.client, urljoin(run.base, href))
    run.stored[item.uid] = Stored(href, etag, sequence)
    if found is None:
        run.outcome.added += 1
    else:
        run.outcome.updated += 1


def _delete(run: _Publishing, uid: str, title: str, found: tuple[str, str] | None) -> None:
    known = run.stored.get(uid)
    if found is None:  # already gone from the server
        run.stored.pop(uid, None)
        return
    href, etag = found
    if known and known.etag != etag:
        run.outcome.conflicts.append(_conflict(title, NOT_DELETED))
        return
    response = run.client.request(urljoin(run.base, href), "DELETE", "", {"If-Match": etag})  # type: ignore[attr-defined]
    if response.status == 412:
        run.outcome.conflicts.append(_conflict(title, NOT_DELETED))
        return
    if response.status != 404:
        _check(response, "DELETE", href)
    run.stored.pop(uid, None)
    run.outcome.deleted += 1


CHANGED, CHANGED_WHILE_PUBLISHING, NOT_DELETED = "changed", "changed while publishing", "not deleted"


def _conflict(title: str, what: str) -> str:
    """One line for an event changed on the server, in the user's words."""
    if what == CHANGED_WHILE_PUBLISHING:
        text = _(
            "conflict: {title} was changed on the server while publishing since engage last published "
            "it; left as it is there (delete it on the server to have engage publish its version again)"
        )
    elif what == NOT_DELETED:
        text = _(
            "conflict: {title} was changed on the server, so it was not deleted since engage last "
            "published it; left as it is there (delete it on the server to have engage publish its "
            "version again)"
        )
    else:
        text = _(
            "conflict: {title} was changed on the server since engage last published it; left as it is "
            "there (delete it on the server to have engage publish its version again)"
        )
    return text.format(title=repr(title))


def _listing(client: object, base: str) -> dict[str, tuple[str, str]]:
    """UID -> (href, ETag) of every event on the calendar, in one REPORT."""
    from icalendar import Calendar

    response = client.request(  # type: ignore[attr-defined]
        base, "REPORT", QUERY, {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
    )
    _check(response, "REPORT", base)
    found: dict[str, tuple[str, str]] = {}
    for entry in ET.fromstring(response.raw).iterfind("D:response", NS):
        href = entry.findtext("D:href", "", NS)
        etag = entry.findtext(".//D:getetag", "", NS)
        data = entry.findtext(".//C:calendar-data", "", NS)
        if not (href and data):
            continue
        for event in Calendar.from_ical(data).walk("VEVENT"):
            found[str(event.get("UID", ""))] = (urlsplit(urljoin(base, href)).path, etag)
    return found


def _etag(client: object, href: str) -> str:
    response = client.request(  # type: ignore[attr-defined]
        href, "PROPFIND", ETAG_QUERY, {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"}
    )
    _check(response, "PROPFIND", href)
    return ET.fromstring(response.raw).findtext(".//D:getetag", "", NS)


def _check(response: object, method: str, href: str) -> None:
    status = response.status  # type: ignore[attr-defined]
    if not 200 <= status < 300:
        from caldav.lib import error

        raise error.DAVError(f"{method} {href}: HTTP {status} {response.reason}")  # type: ignore[attr-defined]

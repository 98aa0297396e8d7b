"""The schedule's ``[timesheets]`` table, validated: the layout, who approves whom, when sheets are due.

::

    [timesheets]
    layout = "eu"                       # plain, eu, undp, worldbank, or a plugin's
    approver = "supervisor"             # who approves every sheet: "supervisor" or a consultant's key
    approvers = { ben = "ann" }         # per consultant, where another approves
    allowed_signers = "allowed_signers" # beside the schedule unless named: whose SSH keys sign
    submit_within = 7                   # days after the period ends, before "not submitted" is a finding
    approve_within = 7                  # days after a submission, before "waiting" is a finding
    require_signatures = false          # true: every step signed with an allowed key, or refused
"""

from __future__ import annotations

from pathlib import Path

from engage import EngageError, Engagement, frozen
from engage_timesheets.catalogue import _

SUPERVISOR = "supervisor"
KEYS = (
    "layout",
    "approver",
    "approvers",
    "allowed_signers",
    "require_signatures",
    "submit_within",
    "approve_within",
)
DEFAULT_LAYOUT = "plain"
DEFAULT_WITHIN = 7


@frozen
class TimesheetSettings:
    """What the ``[timesheets]`` table says (defaults where it is silent)."""

    layout: str = DEFAULT_LAYOUT
    approver: str = SUPERVISOR
    approvers: tuple[tuple[str, str], ...] = ()
    allowed_signers: Path | None = None
    submit_within: int = DEFAULT_WITHIN
    approve_within: int = DEFAULT_WITHIN
    require_signatures: bool = False
    table: dict[str, object] | None = None  # the table as written, for layouts' own keys

    def approver_of(self, consultant: str) -> str:
        """Who approves ``consultant``'s sheets: "supervisor" or a consultant's key; the supervisor for
        the named approver's own sheets (nobody approves their own)."""
        approver = dict(self.approvers).get(consultant, self.approver)
        return SUPERVISOR if approver == consultant else approver


def in_use(engagement: Engagement) -> bool:
    """True when the schedule has a ``[timesheets]`` table."""
    return "timesheets" in engagement.settings


def settings_of(engagement: Engagement, layout_keys: tuple[str, ...] | None = None) -> TimesheetSettings:
    """The ``[timesheets]`` table, checked: an approver who is nobody on the team, a number of days that
    is not one; and, given the ``layout_keys`` the loaded layouts read, a key none of them knows (the
    checks and the status section, which do not know the layouts, leave that to the command)."""
    table = dict(engagement.plugin_settings("timesheets"))
    where = f"{engagement.source}: timesheets"
    known = (*KEYS, *layout_keys) if layout_keys is not None else None
    for key in table if known is not None else ():
        if known is not None and key not in known:
            raise EngageError(
                _("{where}: unknown key; the [timesheets] table takes {keys}").format(
                    where=f"{where}.{key}", keys=", ".join(known)
                )
            )
    layout = table.get("layout", DEFAULT_LAYOUT)
    if not isinstance(layout, str) or not layout.strip():
        raise EngageError(
            _("{where}: must be a layout's name such as eu, undp or worldbank").format(
                where=f"{where}.layout"
            )
        )
    approver = _person(engagement, table.get("approver", SUPERVISOR), f"{where}.approver")
    given = table.get("approvers", {})
    if not isinstance(given, dict):
        raise EngageError(
            _("{where}: must be a table such as {example}").format(
                where=f"{where}.approvers", example='{ ben = "ann" }'
            )
        )
    approvers = []
    for consultant, who in given.items():
        person = engagement.consultant_of(consultant)
        if person is None:
            keys = ", ".join(c.key for c in engagement.team) or _("(none: the schedule names no team)")
            raise EngageError(
                _("{where}: not a consultant; the team: {keys}").format(
                    where=f"{where}.approvers.{consultant}", keys=keys
                )
            )
        key = _person(engagement, who, f"{where}.approvers.{consultant}")
        if key == person.key:
            raise EngageError(
                _("{where}: nobody approves their own timesheet").format(
                    where=f"{where}.approvers.{consultant}"
                )
            )
        approvers.append((person.key, key))
    signers = table.get("allowed_signers")
    if signers is not None and (not isinstance(signers, str) or not signers.strip()):
        raise EngageError(
            _('{where}: must be a file name such as "allowed_signers"').format(
                where=f"{where}.allowed_signers"
            )
        )
    return TimesheetSettings(
        layout=layout.strip(),
        approver=approver,
        approvers=tuple(approvers),
        allowed_signers=Path(signers) if signers else None,
        submit_within=_days(table.get("submit_within", DEFAULT_WITHIN), f"{where}.submit_within"),
        approve_within=_days(table.get("approve_within", DEFAULT_WITHIN), f"{where}.approve_within"),
        require_signatures=_flag(table.get("require_signatures", False), f"{where}.require_signatures"),
        table=table,
    )


def _person(engagement: Engagement, value: object, where: str) -> str:
    """ "supervisor" or a consultant's key, from a key or a name."""
    if isinstance(value, str) and value.strip().lower() == SUPERVISOR:
        return SUPERVISOR
    person = engagement.consultant_of(value) if isinstance(value, str) and value.strip() else None
    if person is None:
        keys = ", ".join([SUPERVISOR, *(c.key for c in engagement.team)])
        raise EngageError(
            _("{where}: {value} is nobody on this engagement; give one of: {keys}").format(
                where=where, value=repr(value), keys=keys
            )
        )
    return person.key


def _days(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
        raise EngageError(
            _("{where}: must be a whole number of days from 0 to 366, got {value}").format(
                where=where, value=repr(value)
            )
        )
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise EngageError(
            _("{where}: must be true or false, got {value}").format(where=where, value=repr(value))
        )
    return value


def signers_file(engagement: Engagement, settings: TimesheetSettings) -> Path:
    """The allowed-signers file: ``[timesheets] allowed_signers`` (beside the schedule when relative),
    else ``allowed_signers`` beside the schedule."""
    folder = engagement.source.parent if engagement.source is not None else Path.cwd()
    named = settings.allowed_signers or Path("allowed_signers")
    return named if named.is_absolute() else folder / named

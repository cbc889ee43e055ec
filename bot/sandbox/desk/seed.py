"""The sandbox Desk's people and tickets, the same for the same seed (and the same clock).

Known fixtures the docs and tests lean on: admin@example.com (an administrator),
agent@example.com, light@example.com (a light agent), the customer watanabe@abc-corp.com, and
ticket number 115 (agent@example.com's, open, due within the hour).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.desk.wire import format_time

STATUSES: list[tuple[str, str]] = [
    ("Open", "Open"),
    ("On Hold", "On Hold"),
    ("Escalated", "Open"),
    ("Closed", "Closed"),
    ("Resolved", "Closed"),
]
# Custom statuses no seeded ticket starts in: one more Open kind, and a name longer than a Cliq
# option value (50 characters); Field.json allows status values up to 120.
CUSTOM_STATUSES: list[tuple[str, str]] = [
    ("In Progress", "Open"),
    ("Waiting for the customer to confirm the replacement part arrived", "On Hold"),
]
# People the docs and tests name; their records are never nulled.
FIXTURE_PEOPLE = ("admin@example.com", "agent@example.com", "light@example.com")
PRIORITIES = ["Urgent", "High", "Medium", "Low"]
DEPARTMENTS = [
    ("5000000000001", "Support"),
    ("5000000000002", "Billing"),
    ("5000000000003", "Japan Support"),
]
PEOPLE = [
    ("Ada", "Admin", "admin@example.com", "Admin", "all"),
    ("Aiko", "Tanaka", "agent@example.com", "Standard", "0,2"),
    ("Lee", "Light", "light@example.com", "Light", "0"),
    ("Kenji", "Watanabe", "kenji@example.com", "Standard", "2"),
    ("Maria", "Garcia", "maria@example.com", "Standard", "0,1"),
    ("Tom", "Baker", "tom@example.com", "Standard", "1"),
    ("Yuki", "Sato", "yuki@example.com", "Standard", "2"),
    ("Priya", "Nair", "priya@example.com", "Standard", "0"),
    ("Omar", "Haddad", "omar@example.com", "Standard", "1"),
    ("Sofia", "Rossi", "sofia@example.com", "Standard", "0,2"),
    ("Hiro", "Kobayashi", "hiro@example.com", "Standard", "2"),
    ("Emma", "Stone", "emma@example.com", "Standard", "0,1"),
]
SUBJECTS = [
    "Printer on fire",
    "Cannot log in",
    "Invoice shows the wrong amount",
    "Refund request",
    "Password reset mail never arrives",
    "App crashes on start",
    "Shipping address change",
    "請求書の再発行をお願いします",
    "ログインできません",
    "Export to CSV is empty",
    "Two-factor code rejected",
    "Upgrade to the annual plan",
]


@dataclass(frozen=True)
class Seeded:
    agents: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


SOON_AT_START = 0.012
"""The share of open tickets (and tasks) whose due time is already close when the world is
seeded: a few reminders a newcomer sees in the first minute, not hundreds."""
SPREAD = (timedelta(minutes=75), timedelta(days=7))
"""Other open tickets not yet overdue fall due evenly over the week after the seed, so their
due-soon reminders (1 hour, 30 minutes before) come as a trickle: about one every ten minutes."""
TASK_SPREAD = (timedelta(minutes=20), timedelta(days=3))


def _spread(spread: random.Random, minutes: int, within: tuple[timedelta, timedelta]) -> int:
    """A future due time (minutes from now) drawn again from `within`, except for the few kept
    close (SOON_AT_START); a past one as drawn."""
    if minutes <= 0 or spread.random() < SOON_AT_START:
        return minutes
    low, high = (int(edge.total_seconds() // 60) for edge in within)
    return spread.randint(low, high)


def seed(number: int, now: datetime, org_id: str, portal: str) -> Seeded:
    rng = random.Random(number)
    spread = random.Random(f"{number}:due")  # its own stream: the rest of the seed is unchanged
    departments = [
        {"id": dep_id, "name": name, "isEnabled": True, "isAssignToTeamEnabled": True}
        for dep_id, name in DEPARTMENTS
    ]
    agents: list[dict[str, Any]] = []
    for index, (first, last, email, role, deps) in enumerate(PEOPLE):
        dep_ids = (
            [d for d, _ in DEPARTMENTS]
            if deps == "all"
            else [DEPARTMENTS[int(i)][0] for i in deps.split(",")]
        )
        agents.append(
            {
                "id": f"6000000001{index:03d}",
                "zuid": f"7000{index:04d}",
                "name": f"{first} {last}",
                "firstName": first,
                "lastName": last,
                "emailId": email,
                "status": "ACTIVE",
                "rolePermissionType": role,
                "associatedDepartmentIds": dep_ids,
                "timeZone": "Asia/Tokyo" if deps.startswith("2") else "Europe/London",
                "langCode": "ja_JP" if deps.startswith("2") else "en_US",
                "isConfirmed": True,
            }
        )
    teams = []
    for dep_index, (dep_id, dep_name) in enumerate(DEPARTMENTS):
        members = [a["id"] for a in agents if dep_id in a["associatedDepartmentIds"]]
        for team_index, suffix in enumerate(("Tier 1", "Tier 2")):
            chosen = members[team_index::2] or members
            teams.append(
                {
                    "id": f"6100000000{dep_index}{team_index}",
                    "name": f"{dep_name} {suffix}",
                    "departmentId": dep_id,
                    "agents": chosen,
                    "derivedAgents": chosen,
                    "subTeams": [],
                    "logoUrl": None,
                }
            )
    contacts = [
        {
            "id": "4000000000000",
            "firstName": "Ren",
            "lastName": "Watanabe",
            "email": "watanabe@abc-corp.com",
        }
    ]
    for index in range(1, 200):
        contacts.append(
            {
                "id": f"4000000000{index:03d}",
                "firstName": rng.choice(
                    ["Alex", "Sam", "Mika", "Jo", "Kai", "Noor", "Lena", "Taro"]
                ),
                "lastName": rng.choice(["Smith", "Ito", "Khan", "Weber", "Silva", "Mori", "Brown"]),
                "email": f"customer{index}@example.net",
            }
        )
    assignable = [a for a in agents if a["rolePermissionType"] != "Light"]
    tickets = []
    for index in range(2000):
        ticket_number = 101 + index
        created = now - timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        status, status_type = rng.choices(STATUSES, weights=[40, 10, 5, 30, 15])[0]
        department_id = rng.choice(DEPARTMENTS)[0]
        owners = [a for a in assignable if department_id in a["associatedDepartmentIds"]]
        owner = None if rng.random() < 0.15 else rng.choice(owners)
        contact = contacts[0] if index % 97 == 0 else rng.choice(contacts)
        due = created + timedelta(hours=rng.randint(4, 96))
        if status_type != "Closed":
            drawn = rng.choice([-3000, -600, -90, 20, 45, 200, 600, 2000])
            due = now + timedelta(minutes=_spread(spread, drawn, SPREAD))
        if ticket_number == 115:
            owner = agents[1]
            status, status_type, department_id = "Open", "Open", DEPARTMENTS[0][0]
            due = now + timedelta(minutes=40)
            contact = contacts[0]
        modified = min(now, created + timedelta(minutes=rng.randint(1, 3000)))
        closed = modified if status_type == "Closed" else None
        ticket_id = f"1166045000{ticket_number:09d}"
        tickets.append(
            {
                "id": ticket_id,
                "ticketNumber": str(ticket_number),
                "subject": rng.choice(SUBJECTS),
                "description": "Seeded by the sandbox.",
                "status": status,
                "statusType": status_type,
                "priority": rng.choice(PRIORITIES),
                "channel": rng.choice(["Email", "Web", "Phone", "Chat"]),
                "departmentId": department_id,
                "assigneeId": owner["id"] if owner else None,
                "teamId": None,
                "contactId": contact["id"],
                "email": contact["email"],
                "createdTime": format_time(created),
                "modifiedTime": format_time(modified),
                "closedTime": format_time(closed) if closed else None,
                "dueDate": format_time(due),
                "isOverDue": status_type != "Closed" and due < now,
                "isEscalated": status == "Escalated",
                "createdBy": owner["id"] if owner else agents[0]["id"],
                "modifiedBy": owner["id"] if owner else agents[0]["id"],
                "webUrl": f"{portal}/support/sandbox/ShowHomePage.do#Cases/dv/{ticket_id}",
            }
        )
    comments = []
    for index in range(300):
        ticket = rng.choice(tickets)
        author = rng.choice(assignable)
        mentioned = rng.choice(agents)
        comments.append(
            {
                "id": f"1166046000{index:09d}",
                "ticketId": ticket["id"],
                "isPublic": rng.random() < 0.3,
                "contentType": "plainText",
                "content": f"zsu[@user:{mentioned['zuid']}]zsu could you take a look?",
                "commentedTime": ticket["modifiedTime"],
                "commenterId": author["id"],
                "commenter": {
                    "id": author["id"],
                    "name": author["name"],
                    "type": "AGENT",
                    "email": author["emailId"],
                },
            }
        )
    closed_tickets = [t for t in tickets if t["statusType"] == "Closed"]
    ratings = []
    for index in range(150):
        ticket = rng.choice(closed_tickets)
        ratings.append(
            {
                "id": f"1166047000{index:09d}",
                "rating": rng.choices(["GOOD", "OK", "BAD"], weights=[70, 20, 10])[0],
                "ratedTime": format_time(now - timedelta(minutes=rng.randint(5, 7 * 24 * 60))),
                "feedback": rng.choice([None, "Thanks!", "Took too long", "とても助かりました"]),
                "ticketId": ticket["id"],
                "agentId": ticket["assigneeId"],
                "contactId": ticket["contactId"],
                "departmentId": ticket["departmentId"],
            }
        )
    open_tickets = [t for t in tickets if t["statusType"] != "Closed" and t["assigneeId"]]
    tasks = []
    for index in range(60):
        ticket = rng.choice(open_tickets)
        drawn = rng.choice([-120, 5, 10, 14, 40, 180, 1440])
        due = now + timedelta(minutes=_spread(spread, drawn, TASK_SPREAD))
        tasks.append(
            {
                "id": f"1166048000{index:09d}",
                "subject": rng.choice(
                    ["Call the customer back", "Check the refund", "Send the part"]
                ),
                "status": "Not Started",
                "statusType": "Open",
                "dueDate": format_time(due),
                "ownerId": ticket["assigneeId"],
                "ticketId": ticket["id"],
                "departmentId": ticket["departmentId"],
                "completedTime": None,
                "createdTime": format_time(now - timedelta(days=1, minutes=index)),
                "modifiedTime": format_time(now - timedelta(days=1, minutes=index)),
            }
        )
    return Seeded(agents, departments, teams, contacts, tickets, comments, ratings, tasks)

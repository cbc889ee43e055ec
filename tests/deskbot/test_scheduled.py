"""Digests, due-soon reminders and happiness ratings (SPEC D4, D9): once, across restarts."""

from __future__ import annotations

from datetime import timedelta

from bot.workers.scheduler import Scheduler
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle


def restarted(deskbot: Deskbot) -> Scheduler:
    """A new scheduler on the same database: what a restarted process would have."""
    s = deskbot.parts
    return Scheduler(
        config=s.config,
        outbox=s.outbox,
        desk=s.desk,
        directory=s.directory,
        settings=s.settings,
        clock=deskbot.clock,
        names=s.org_data.names,
        posted=s.sender.wake,
        departments=s.org_data.departments,
        tasks=s.tasks,
        readers=s.readers,
    )


def digests_in(messages: list[dict]) -> list[dict]:
    return [m for m in messages if "Daily digest" in m["body"].get("card", {}).get("title", "")]


async def test_one_digest_per_place_per_local_day_and_late_after_downtime(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.map_department(
        "5000000000003", "supportjp", at=deskbot.clock.now()
    )
    await deskbot.parts.cliq.create_channel("supportjp")
    await deskbot.parts.cliq.add_bot_to_channel("supportjp")
    # 01:00 UTC: yesterday's 09:00 came before the bot first ran, so nothing is owed (and
    # nothing "late"); a restart does not change that.
    assert await deskbot.parts.scheduler.digests() == 0
    assert await restarted(deskbot).digests() == 0
    assert digests_in(await settle(deskbot)) == []
    deskbot.clock.advance(hours=8, minutes=5)  # 09:05 UTC: today's, on time
    assert await restarted(deskbot).digests() == 2
    on_time = digests_in(await settle(deskbot))
    assert sorted(m["target"] for m in on_time) == ["desk", "supportjp"]
    assert all("late" not in m["body"]["text"] for m in on_time)
    text = str(on_time[0]["body"]["slides"])
    assert "Open" in text and "Overdue" in text and "Top agents" in text
    deskbot.clock.advance(hours=5)
    assert await deskbot.parts.scheduler.digests() == 0
    # Down over the next day's 09:00 (a day the bot had run before): that digest comes late.
    deskbot.clock.advance(days=1)  # 14:05 UTC the next day
    assert await restarted(deskbot).digests() == 2
    late = digests_in(await settle(deskbot))[2:]
    assert len(late) == 2 and all("This digest is late" in m["body"]["text"] for m in late)


async def test_a_department_mapped_after_its_digest_time_gets_no_late_digest_for_that_day(
    deskbot: Deskbot,
) -> None:
    """The catch-up is per place: a channel mapped today owes nothing for earlier days."""
    await installed(deskbot)
    assert await deskbot.parts.scheduler.digests() == 0  # first run, 01:00 UTC
    deskbot.clock.advance(hours=8, minutes=5)  # 09:05 UTC: the org channel's, on time
    assert await deskbot.parts.scheduler.digests() == 1
    deskbot.clock.advance(hours=3)
    await deskbot.parts.settings.map_department(
        "5000000000003", "supportjp", at=deskbot.clock.now()
    )
    await deskbot.parts.cliq.create_channel("supportjp")
    await deskbot.parts.cliq.add_bot_to_channel("supportjp")
    assert await deskbot.parts.scheduler.digests() == 0
    deskbot.clock.advance(days=1, hours=-3)  # 09:05 the next day: both, on time
    assert await deskbot.parts.scheduler.digests() == 2


async def test_due_soon_reminders_once_per_due_date(deskbot: Deskbot) -> None:
    await installed(deskbot)
    first = await deskbot.parts.scheduler.due_soon()
    assert first > 0
    assert await restarted(deskbot).due_soon() == 0
    # The reminders drain at Cliq's pace (50 posts a minute per endpoint): let minutes pass
    # until the outbox is empty.
    minutes = 0
    while (await deskbot.parts.outbox.counts())["waiting"]:
        await settle(deskbot)
        deskbot.clock.advance(minutes=1)
        minutes += 1
    messages = await settle(deskbot)
    assert len(messages) == first
    texts = [m["body"]["text"] for m in messages]
    assert any("Due in 1 hour" in t for t in texts) or any("Due in 30 minutes" in t for t in texts)
    deskbot.clock.advance(minutes=15 - minutes)  # ticket 115 (due at 01:40): within 30 minutes
    await deskbot.parts.scheduler.due_soon()
    dms = [m for m in await settle(deskbot) if m["target"] == "agent@example.com"]
    assert any(
        "Due in 30 minutes" in m["body"]["text"] and "#115" in m["body"]["card"]["title"]
        for m in dms
    )


async def test_a_new_happiness_rating_is_a_dm_to_the_owner(deskbot: Deskbot) -> None:
    await installed(deskbot)
    assert await deskbot.parts.scheduler.ratings() == 0  # the first poll sets the mark
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    deskbot.clock.advance(minutes=1)
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets/115/rating",
        json={"rating": "good", "feedback": "Great"},
    ) as response:
        assert response.status == 201
    deskbot.clock.advance(minutes=1)
    assert await deskbot.parts.scheduler.ratings() == 1
    assert await restarted(deskbot).ratings() == 0
    [dm] = await settle(deskbot)
    assert dm["target"] == "agent@example.com" and "Happiness rating" in dm["body"]["text"]
    assert "Rating: Good\nFeedback: Great" in dm["body"]["text"]


async def test_task_reminders_once(deskbot: Deskbot) -> None:
    await installed(deskbot)
    first = await deskbot.parts.scheduler.reminders()
    assert first > 0
    assert await restarted(deskbot).reminders() == 0
    texts = [m["body"]["text"] for m in await settle(deskbot)]
    assert texts and all("Activity reminder" in t for t in texts)
    assert any("Task: " in t for t in texts)


async def test_tasks_are_polled_per_department_and_only_what_changed(deskbot: Deskbot) -> None:
    """Task.json: `/tasks` needs a department and takes at most 99 a page; after the first
    poll, a tick reads only the tasks changed since the department's watermark."""
    await installed(deskbot)
    scheduler = deskbot.parts.scheduler
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    first = await scheduler.poll_tasks()
    assert first == len(sandbox.desk.tasks) == 60
    assert await scheduler.poll_tasks() == 0  # nothing changed since
    deskbot.clock.advance(minutes=1)
    task = sandbox.desk.tasks[0]
    base = sandbox.urls["desk"]
    async with deskbot.client.session.patch(
        f"{base}/sandbox/tasks/{task['id']}",
        json={"actor": "admin@example.com", "status": "Completed"},
    ) as response:
        assert response.status == 200
    await sandbox.desk.deliverer.idle()  # the Task_Update webhook it caused
    assert await restarted(deskbot).poll_tasks() == 1  # the watermark survives a restart
    now = deskbot.clock.now()
    open_tasks = await deskbot.parts.tasks.due_between(now - timedelta(days=9), now.max)
    assert task["id"] not in {t.id for t in open_tasks}

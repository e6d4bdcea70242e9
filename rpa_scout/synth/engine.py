"""The SimPy engine: cases flow through staff queues, system steps and batch jobs.

* **Staff.** Each team has one FIFO queue. A person works only inside their office-hour
  blocks (:mod:`rpa_scout.synth.calendar`), does one task at a time, looks at the first
  :data:`SCAN` tasks they may take and starts the first one that fits before the block
  ends (nobody starts a 40-minute task at 15.50). So a person's work interleaves many
  cases, and every manual start and complete falls inside office hours. A task can be
  reserved for one person (the same official continues a case) or exclude one (a second
  approver must be somebody else).
* **Exceptions.** A rule-based step meets an exception with probability
  ``1 - automatable_share`` (drawn at random, so case data cannot predict it); the
  person then logs "Poikkeama kirjattu" seconds after the step. A robot would take the
  other executions: that is what the ground truth's ``automatable_share`` means.
* **Handling times** are log-normal around the activity's design mean, scaled by the
  person's speed, at least :data:`MIN_SECONDS` and at most :data:`MAX_MINUTES`.
* **System steps** run at once under a system account and take 0–5 seconds;
  **user-triggered** ones follow the triggering manual step by 1–4 seconds under the
  same person and take 1–8 seconds; **batch** jobs complete every waiting case at the
  run time (start == complete).
* **Randomness.** Every draw comes from ``numpy.random.default_rng(seed)``: arrivals,
  attributes and staff from spawned generators, and each case from its own row of
  pre-drawn uniforms and normals, so a case's draws do not depend on the others.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Generator

import numpy as np
import simpy

from rpa_scout.synth.calendar import (ORIGIN, PERIOD_DAYS, WorkCalendar, arrival_times,
                                      sim_to_local, work_calendar)
from rpa_scout.synth.model import STAFF, Batch, ProcessModel
from rpa_scout.synth.names import staff_names

START, COMPLETE = 0, 1
EXCEPTION = "EXCEPTION"  # key of the user-triggered step that marks an exception
SCAN = 25
MIN_SECONDS = 30
MAX_MINUTES = 150
UTILISATION = 0.5
HOURS_PER_PERSON_YEAR = 1600.0
_K_UNIFORM = 24
_K_NORMAL = 12


class Case:
    """One case in flight: its index, arrival, attributes and its own random draws."""

    __slots__ = ("index", "arrival", "day", "attrs", "_u", "_z", "_iu", "_iz", "_sim")

    def __init__(self, sim: "Simulation", index: int, arrival: int) -> None:
        self._sim = sim
        self.index = index
        self.arrival = arrival
        self.day = sim.arrival_day[index]
        self.attrs = {name: values[index] for name, values in sim.attr_lists.items()}
        self._u = sim.uniforms[index].tolist()
        self._z = sim.normals[index].tolist()
        self._iu = 0
        self._iz = 0

    def attr(self, name: str) -> Any:
        """A case attribute (``case:amount``) or a hidden one (``_due_day``)."""
        return self.attrs[name]

    def u(self) -> float:
        """Next uniform draw in [0, 1) of this case."""
        i = self._iu
        self._iu = i + 1
        if i >= len(self._u):
            self._u.extend(self._sim.more_draws(self.index, 0, len(self._u)))
        return self._u[i]

    def z(self) -> float:
        """Next standard normal draw of this case."""
        i = self._iz
        self._iz = i + 1
        if i >= len(self._z):
            self._z.extend(self._sim.more_draws(self.index, 1, len(self._z)))
        return self._z[i]


class _Task:
    __slots__ = ("case", "act", "base", "follows", "extra", "exclude", "only", "done")

    def __init__(self, case: int, act: int, base: float, follows: tuple[tuple[int, int, int], ...],
                 exclude: int, only: int, done: simpy.Event) -> None:
        self.case, self.act, self.base = case, act, base
        self.follows = follows  # (activity, gap s, duration s) logged after the step
        self.extra = sum(gap + dur for _, gap, dur in follows)
        self.exclude, self.only, self.done = exclude, only, done


@dataclass(frozen=True)
class Person:
    """A member of staff: name, team, speed factor and working calendar."""

    name: str
    team: str
    speed: float
    start_minute: int
    end_minute: int
    lunch_minute: int | None
    vacation_week: int


@dataclass(frozen=True)
class SimulationResult:
    """Events in recording order, activity instances, and who was who."""

    case: np.ndarray
    activity: np.ndarray
    time: np.ndarray
    resource: np.ndarray
    life: np.ndarray
    instance_activity: np.ndarray
    instance_seconds: np.ndarray
    resources: tuple[str, ...]
    people: tuple[Person, ...]
    arrivals: np.ndarray
    attributes: dict[str, np.ndarray]


class Simulation:
    """One run of a :class:`ProcessModel` for ``cases`` cases with ``seed``.

    Flows use :meth:`system`, :meth:`work`, :meth:`batch`, :meth:`delay`,
    :meth:`pause`, :meth:`until` and :meth:`parallel`.
    """

    def __init__(self, model: ProcessModel, cases: int, seed: int) -> None:
        self.model = model
        self.cases = cases
        self.seed = seed
        rng = np.random.default_rng(seed)
        r_arrival, r_attr, r_staff, r_case = rng.spawn(4)
        self.calendar: WorkCalendar = work_calendar()
        self.arrivals = arrival_times(r_arrival, cases, self.calendar, model.month_weights,
                                      model.weekday_weights, model.hour_weights,
                                      model.holiday_weight)
        local = sim_to_local(self.arrivals).tz_localize(None)
        origin = ORIGIN.tz_localize(None)
        self.arrival_day = ((local.normalize() - origin).days).to_numpy().tolist()
        attrs = {k: np.asarray(v) for k, v in model.attributes(r_attr, local).items()}
        self.attributes = attrs
        self.attr_lists = {k: v.tolist() for k, v in attrs.items()}
        self.uniforms = r_case.random((cases, _K_UNIFORM))
        self.normals = r_case.standard_normal((cases, _K_NORMAL))
        self.env = simpy.Environment()
        acts = model.activities
        self.index = {a.key: i for i, a in enumerate(acts)}
        self._mu = [math.log(a.mean_minutes) - a.sigma ** 2 / 2 if a.performer == STAFF else 0.0
                    for a in acts]
        self._sigma = [a.sigma for a in acts]
        self.people = self._staff(r_staff)
        accounts = list(dict.fromkeys(a.account for a in acts if a.account))
        self.resources = tuple(p.name for p in self.people) + tuple(accounts)
        account_index = {name: len(self.people) + i for i, name in enumerate(accounts)}
        self._account = [account_index.get(a.account, -1) for a in acts]
        team_keys = [t.key for t in model.teams]
        self._team_of_act = [team_keys.index(a.team) if a.team else -1 for a in acts]
        self._person_team = [team_keys.index(p.team) for p in self.people]
        self._queues: list[deque[_Task]] = [deque() for _ in team_keys]
        self._idle: list[list[simpy.Event]] = [[] for _ in team_keys]
        self._batch_heaps: dict[int, list[tuple[int, int, int, simpy.Event]]] = {}
        self._batch_seq = 0
        self._ev_case: list[int] = []
        self._ev_act: list[int] = []
        self._ev_time: list[int] = []
        self._ev_res: list[int] = []
        self._ev_life: list[int] = []
        self._inst_act: list[int] = []
        self._inst_sec: list[int] = []
        self._finished = 0
        self._all_done = self.env.event()

    # ----------------------------------------------------------------- staffing
    def _staff(self, rng: np.random.Generator) -> tuple[Person, ...]:
        sizes = []
        for team in self.model.teams:
            minutes = sum(a.visits * a.mean_minutes for a in self.model.activities
                          if a.team == team.key)
            hours = minutes / 60 * self.cases * 365 / PERIOD_DAYS
            sizes.append(max(team.min_size,
                             math.ceil(hours / (HOURS_PER_PERSON_YEAR * UTILISATION))))
        names = staff_names(rng, sum(sizes))
        people = []
        for team, size in zip(self.model.teams, sizes):
            weeks = rng.permutation([24 + round(i * 8 / size) for i in range(size)])
            for k in range(size):
                start = int(rng.choice([465, 480, 495], p=[0.3, 0.5, 0.2]))
                has_lunch = rng.random() < 0.75
                lunch = int(rng.choice([660, 690, 720])) if has_lunch else None
                end = start + (465 if has_lunch else 435)
                speed = float(np.exp(0.15 * rng.standard_normal() - 0.15 ** 2 / 2))
                people.append(Person(names[len(people)], team.key, round(speed, 3), start, end,
                                     lunch, int(weeks[k])))
        return tuple(people)

    def more_draws(self, case: int, kind: int, used: int) -> list[float]:
        """Further draws for a case that used up its pre-drawn row (rare rework loops)."""
        rng = np.random.default_rng([self.seed, kind, case, used])
        return (rng.random(32) if kind == 0 else rng.standard_normal(32)).tolist()

    # ------------------------------------------------------------------ flow API
    @property
    def now(self) -> int:
        """Current simulation time in seconds since 2025-01-01 00:00 Helsinki."""
        return int(self.env.now)

    def midnight(self, day: int) -> int:
        """Simulation seconds of local midnight, ``day`` days after 2025-01-01."""
        return int(self.calendar.midnights[day])

    def system(self, case: Case, key: str) -> Generator[simpy.Event, Any, None]:
        """A system-account step now, taking 0–5 seconds."""
        a = self.index[key]
        yield from self._system_step(case, a, self._account[a])

    def _system_step(self, case: Case, a: int, account: int) -> Generator[simpy.Event, Any, None]:
        """Activity ``a`` under ``account`` now, taking 0–5 seconds."""
        now = self.env.now
        d = int(case.u() * 6)
        self._event(case.index, a, now, account, START)
        self._event(case.index, a, now + d, account, COMPLETE)
        self._inst_act.append(a)
        self._inst_sec.append(d)
        if d:
            yield self.env.timeout(d)

    def work(self, case: Case, key: str, *, then: str | None = None,
             exclude: int = -1, only: int = -1) -> Generator[simpy.Event, Any, int]:
        """Queue a manual step for its team and wait until somebody has done it.

        Args:
            case: the case.
            key: the manual activity.
            then: a user-triggered system step the same person's action causes.
            exclude: index of a person who may not take the task.
            only: index of the one person who must take it (``-1``: anybody in the team).

        Returns:
            The index of the person who did it (``-1`` when this municipality's robot
            does the step: see :func:`rpa_scout.synth.automate`).
        """
        a = self.index[key]
        if self.model.activities[a].performer != STAFF:
            yield from self._system_step(case, a, self._account[a])
            if then is not None:  # what the step triggers, under the robot's account too
                yield from self._system_step(case, self.index[then], self._account[a])
            return -1
        base = 60.0 * math.exp(self._mu[a] + self._sigma[a] * case.z())
        follows = []
        activity = self.model.activities[a]
        if activity.rule_based and activity.exceptions and EXCEPTION in self.index \
                and case.u() >= activity.automatable_share:
            follows.append((self.index[EXCEPTION], 1 + int(case.u() * 4), 1 + int(case.u() * 8)))
        if then is not None:
            follows.append((self.index[then], 1 + int(case.u() * 4), 1 + int(case.u() * 8)))
        team = self._team_of_act[a]
        if only >= 0 and self._person_team[only] != team:
            raise ValueError(f"{key}: person {only} is not in the team of the step")
        task = _Task(case.index, a, base, tuple(follows), exclude, only, self.env.event())
        self._queues[team].append(task)
        idle = self._idle[team]
        if idle:
            for ev in idle:
                if not ev.triggered:
                    ev.succeed()
            idle.clear()
        person = yield task.done
        return person

    def delay(self, case: Case, median_days: float, sigma: float) -> simpy.Timeout:
        """Wait a log-normal number of days (an applicant, another authority)."""
        seconds = median_days * 86400 * math.exp(sigma * case.z())
        return self.env.timeout(max(1, int(seconds)))

    def pause(self, case: Case, low: int, high: int) -> simpy.Timeout:
        """Wait a uniform ``low``..``high`` seconds."""
        return self.env.timeout(low + int(case.u() * (high - low)))

    def until(self, when: int) -> simpy.Timeout:
        """Wait until simulation time ``when`` (at once if it has passed)."""
        return self.env.timeout(max(0, when - self.env.now))

    def batch(self, case: Case, key: str, ready_at: int | None = None) -> simpy.Event:
        """Wait for the next run of ``key``'s batch job at or after ``ready_at``."""
        a = self.index[key]
        if a not in self._batch_heaps:
            raise ValueError(f"{key}: no batch schedule")
        ready = max(int(self.env.now), int(ready_at or 0))
        ev = self.env.event()
        self._batch_seq += 1
        heapq.heappush(self._batch_heaps[a], (ready, self._batch_seq, case.index, ev))
        return ev

    def parallel(self, *flows: Generator[Any, Any, Any]) -> simpy.Event:
        """Run sub-flows of one case side by side; the event fires when all are done."""
        return self.env.all_of([self.env.process(f) for f in flows])

    # ------------------------------------------------------------------ running
    def run(self) -> SimulationResult:
        """Simulate every case to its end and return what was recorded."""
        env = self.env
        for b in self.model.batches:
            self._batch_heaps[self.index[b.activity]] = []
        for p in range(len(self.people)):
            env.process(self._worker(p))
        for b in self.model.batches:
            env.process(self._batch_job(b))
        env.process(self._arrive())
        env.run(until=self._all_done)
        return SimulationResult(
            case=np.asarray(self._ev_case, dtype=np.int64),
            activity=np.asarray(self._ev_act, dtype=np.int64),
            time=np.asarray(self._ev_time, dtype=np.int64),
            resource=np.asarray(self._ev_res, dtype=np.int64),
            life=np.asarray(self._ev_life, dtype=np.int8),
            instance_activity=np.asarray(self._inst_act, dtype=np.int64),
            instance_seconds=np.asarray(self._inst_sec, dtype=np.int64),
            resources=self.resources,
            people=self.people,
            arrivals=self.arrivals,
            attributes={k: v for k, v in self.attributes.items() if k.startswith("case:")},
        )

    def _event(self, case: int, act: int, time: int, res: int, life: int) -> None:
        self._ev_case.append(case)
        self._ev_act.append(act)
        self._ev_time.append(time)
        self._ev_res.append(res)
        self._ev_life.append(life)

    def _arrive(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for i, t in enumerate(self.arrivals.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self._case(i, t))

    def _case(self, index: int, arrival: int) -> Generator[simpy.Event, Any, None]:
        yield from self.model.flow(self, Case(self, index, arrival))
        self._finished += 1
        if self._finished == self.cases:
            self._all_done.succeed()

    def _worker(self, p: int) -> Generator[simpy.Event, Any, None]:
        env = self.env
        person = self.people[p]
        starts, ends = self.calendar.blocks(
            person.start_minute, person.end_minute, person.lunch_minute,
            self.calendar.vacation(person.vacation_week, 4))
        team = self._person_team[p]
        tasks = self._queues[team]
        idle = self._idle[team]
        speed = person.speed
        cap = MAX_MINUTES * 60
        b = 0
        while True:
            now = env.now
            while ends[b] <= now:
                b += 1
            if starts[b] > now:
                yield env.timeout(starts[b] - now)
                continue
            chosen, chosen_at, d, eligible = _pick(tasks, p, speed, cap, ends[b] - now)
            if chosen is None:
                if eligible:  # work waits that does not fit before the block ends
                    b += 1
                    yield env.timeout(starts[b] - now)
                else:
                    ev = env.event()
                    idle.append(ev)
                    yield ev
                continue
            if chosen_at == 0:
                tasks.popleft()
            else:
                del tasks[chosen_at]
            yield env.timeout(self._work(chosen, p, now, d))
            chosen.done.succeed(p)

    def _work(self, task: Any, p: int, now: int, d: int) -> int:
        """Log person ``p`` doing ``task`` from ``now`` for ``d`` seconds, and the steps it
        triggers; return the seconds all of it takes."""
        c, a = task.case, task.act
        self._event(c, a, now, p, START)
        self._event(c, a, now + d, p, COMPLETE)
        self._inst_act.append(a)
        self._inst_sec.append(d)
        total = d
        for follow, gap, fdur in task.follows:
            t0 = now + total + gap
            self._event(c, follow, t0, p, START)
            self._event(c, follow, t0 + fdur, p, COMPLETE)
            self._inst_act.append(follow)
            self._inst_sec.append(fdur)
            total += gap + fdur
        return total

    def _batch_job(self, batch: Batch) -> Generator[simpy.Event, Any, None]:
        env = self.env
        a = self.index[batch.activity]
        res = self._account[a]
        heap = self._batch_heaps[a]
        for t in self.calendar.runs(batch.hour, batch.minute, batch.days):
            if t < env.now:
                continue
            if t > env.now:
                yield env.timeout(t - env.now)
            ready = []
            while heap and heap[0][0] <= t:
                ready.append(heapq.heappop(heap))
            ready.sort(key=lambda item: item[2])
            for _, _, case, ev in ready:
                self._event(case, a, t, res, START)
                self._event(case, a, t, res, COMPLETE)
                self._inst_act.append(a)
                self._inst_sec.append(0)
                ev.succeed()
        raise RuntimeError(f"{batch.activity}: the calendar ran out before the cases ended")


__all__ = ["Case", "Person", "Simulation", "SimulationResult", "START", "COMPLETE"]


def _pick(tasks: Any, p: int, speed: float, cap: int, left: int) -> tuple[Any, int, int, int]:
    """The first of the first :data:`SCAN` waiting tasks person ``p`` may do that fits in
    the ``left`` seconds of the working block: (task or None, its position, its seconds,
    how many eligible tasks did not fit)."""
    chosen, chosen_at, d, eligible = None, -1, 0, 0
    for i, task in enumerate(tasks):
        if task.exclude == p or (task.only >= 0 and task.only != p):
            continue
        d = int(task.base * speed + 0.5)
        d = MIN_SECONDS if d < MIN_SECONDS else (cap if d > cap else d)
        if d + task.extra <= left:
            return task, i, d, eligible
        eligible += 1
        if eligible >= SCAN:
            break
    return chosen, chosen_at, d, eligible

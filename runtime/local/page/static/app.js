// The live page: one snapshot a second from GET /events (page-server.ts), drawn into
// Chart.js charts, an SVG map and plain tables. Every chart has a sentence beside it that
// says what it shows, for screen readers and for a glance.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
  const time = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
  const seconds = (t, now) => (t - now) / 1000;

  function lineChart(canvas, datasets, yTitle, options = {}) {
    return new Chart(canvas, {
      type: "line",
      data: { datasets: datasets.map((d) => ({ data: [], pointRadius: 0, borderWidth: 2, tension: 0.2, ...d })) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: "linear", title: { display: true, text: "seconds ago" }, max: 0 },
          y: { beginAtZero: true, title: { display: true, text: yTitle } },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
        ...options,
      },
    });
  }

  const throughput = lineChart(
    $("throughput-chart"),
    [
      { label: "user records/s, ingest API clients", borderColor: "#0b63c5" },
      { label: "user records/s, taxi replay", borderColor: "#2e9e5b" },
      { label: "Kinesis records/s", borderColor: "#d97a00" },
      { label: "PutRecords calls/s", borderColor: "#8a4fd1", borderDash: [4, 3] },
    ],
    "per second",
  );
  const shards = lineChart(
    $("shards-chart"),
    [
      { label: "open shards", borderColor: "#0b63c5", stepped: true, tension: 0 },
      { label: "scaling event", borderColor: "#b3261e", backgroundColor: "#b3261e", showLine: false, pointRadius: 5 },
    ],
    "shards",
  );
  const lag = new Chart($("lag-chart"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "ms behind the stream's tip", data: [], backgroundColor: "#d97a00" }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "milliseconds behind" } } },
    },
  });

  let map;
  fetch("/nyc-boroughs.json")
    .then((r) => r.json())
    .then((outline) => (map = NycMap.create($("map"), outline)))
    .catch((e) => ($("map").textContent = `The borough outline did not load (${e.message}).`));

  // A table's rows are rebuilt only when their text changes: a rebuild every second would
  // lose a screen reader's place in it.
  const shownRows = new WeakMap();
  function rows(tbody, cells) {
    const key = JSON.stringify(cells.map((row) => row.map((cell) => (cell instanceof Node ? cell.textContent : cell))));
    if (shownRows.get(tbody) === key) return;
    shownRows.set(tbody, key);
    tbody.replaceChildren(
      ...cells.map((row) => {
        const tr = document.createElement("tr");
        for (const cell of row) {
          const td = document.createElement("td");
          if (cell instanceof Node) td.appendChild(cell);
          else td.textContent = String(cell);
          tr.appendChild(td);
        }
        return tr;
      }),
    );
  }

  function button(text, onClick, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.className = "secondary";
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  // Says something once to screen readers (the per-second figures are not announced).
  function announce(text) {
    $("announcements").textContent = text;
  }

  async function post(path, body, done) {
    $("control-error").textContent = "";
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (!response.ok) $("control-error").textContent = answer.message ?? `HTTP ${response.status}`;
      else if (done) announce(done(answer));
      return answer;
    } catch (e) {
      $("control-error").textContent = `The local stack did not answer (${e.message}).`;
    }
  }

  $("replay-start").addEventListener("click", () => {
    speedTouched = false;
    post(
      "/replay",
      { action: "start", speedup: Number($("replay-speed").value) },
      (s) => `Replay running at ${s.speedup}x.`,
    );
  });
  $("replay-stop").addEventListener("click", () => post("/replay", { action: "stop" }, () => "Replay stopped."));
  // A new choice shows at once, not at the next snapshot.
  $("window-choice").addEventListener("change", () => latest && showHotspots(latest));
  $("burst").addEventListener("click", () => post("/burst", {}, (b) => `Burst started, until ${time(b.until)}.`));

  let speedTouched = false;
  /** The newest scaling event shown; undefined before the first snapshot (nothing to announce). */
  let shownEvents;
  $("replay-speed").addEventListener("input", () => (speedTouched = true));

  function showThroughput(s) {
    const points = s.throughput.points;
    const now = s.at;
    const series = [
      (p) => p.userRecords.ingest,
      (p) => p.userRecords.replay,
      (p) => p.kinesisRecords,
      (p) => p.putRecordsCalls,
    ];
    series.forEach(
      (value, i) => (throughput.data.datasets[i].data = points.map((p) => ({ x: seconds(p.t, now), y: value(p) }))),
    );
    throughput.update("none");
    const last = points[points.length - 1];
    const summary = $("throughput-summary");
    if (!last) return;
    const users = last.userRecords.ingest + last.userRecords.replay;
    summary.dataset.userRate = String(users);
    summary.dataset.ingestRate = String(last.userRecords.ingest);
    const ratio = s.throughput.aggregationRatio;
    summary.textContent =
      `Now ${number.format(users)} user records/s through the ingest API (${number.format(last.userRecords.ingest)} from its clients, ` +
      `${number.format(last.userRecords.replay)} from the replay) became ${number.format(last.kinesisRecords)} Kinesis records/s ` +
      `in ${number.format(last.putRecordsCalls)} PutRecords calls/s` +
      (ratio ? `; since start, ${number.format(ratio)} user records per Kinesis record (KPL aggregation).` : ".");
  }

  function showShards(s) {
    const now = s.at;
    shards.data.datasets[0].data = s.shards.points.map((p) => ({ x: seconds(p.t, now), y: p.shards }));
    shards.data.datasets[1].data = s.shards.events
      .map((e) => ({ x: seconds(Date.parse(e.at), now), y: e.to }))
      .filter((p) => p.x >= (shards.data.datasets[0].data[0]?.x ?? -600));
    shards.update("none");
    // The list changes only with a new event, which is also said once to screen readers.
    const newest = s.shards.events[0];
    const newestAt = newest?.at ?? null;
    if (newestAt !== shownEvents) {
      if (newest && shownEvents !== undefined) {
        announce(`The shard scaler changed the stream from ${newest.from} to ${newest.to} shards: ${newest.reason}.`);
      }
      shownEvents = newestAt;
      $("scaling-events").replaceChildren(
        ...s.shards.events.map((e) => {
          const li = document.createElement("li");
          li.textContent = `${time(Date.parse(e.at))}: ${e.from} → ${e.to} shards (usage ${number.format(e.usageFactor * 100)}%): ${e.reason}`;
          return li;
        }),
      );
    }
    $("no-scaling-events").hidden = s.shards.events.length > 0;
    $("shards-summary").textContent =
      `The stream ${s.stream.name} has ${s.stream.shards ?? "?"} open shards; the local scaler keeps it between ` +
      `${s.stream.minShards} and ${s.stream.maxShards} (local traffic counts ${s.stream.capacityScale}x, a scale model of AWS). ` +
      `${s.shards.events.length} scaling event${s.shards.events.length === 1 ? "" : "s"} so far.`;
  }

  function showConsumers(s) {
    const open = s.consumers.leases.filter((l) => !l.finished);
    lag.data.labels = open.map((l) => l.shardId.replace("shardId-", ""));
    // No recent report (its worker is gone): a gap, not a zero.
    lag.data.datasets[0].data = open.map((l) => l.millisBehind ?? null);
    lag.update("none");
    rows(
      $("leases").querySelector("tbody"),
      open.map((l) => [
        l.shardId,
        l.owner ?? "nobody (free)",
        l.millisBehind === undefined ? "-" : `${number.format(l.millisBehind)} ms`,
      ]),
    );
    const worst = open.reduce((a, l) => ((l.millisBehind ?? 0) > (a?.millisBehind ?? -1) ? l : a), undefined);
    $("lag-summary").textContent =
      `${open.length} open shards, ${open.filter((l) => !l.owner).length} without a worker. ` +
      (worst && worst.millisBehind !== undefined
        ? `Furthest behind: ${worst.shardId}, ${number.format(worst.millisBehind)} ms.`
        : "No lag reported yet.");
    // Redrawn (by rows) only when something changed; then Kill turns into Restart and the
    // keyboard focus stays on that row's button.
    const focusedRow = [...$("workers").querySelectorAll("tbody tr")].findIndex((tr) =>
      tr.contains(document.activeElement),
    );
    rows(
      $("workers").querySelector("tbody"),
      s.consumers.workers.map((w) => [
        `${w.name} (${w.workerId})`,
        w.running ? `running, pid ${w.pid}` : "stopped",
        w.leases,
        w.running
          ? button(
              "Kill",
              () =>
                post(
                  `/workers/${w.name}`,
                  { action: "kill" },
                  () => `${w.name} killed; its leases move once they expire.`,
                ),
              `Kill ${w.name}`,
            )
          : button(
              "Restart",
              () => post(`/workers/${w.name}`, { action: "restart" }, () => `${w.name} restarted.`),
              `Restart ${w.name}`,
            ),
      ]),
    );
    if (focusedRow >= 0) $("workers").querySelectorAll("tbody tr")[focusedRow]?.querySelector("button")?.focus();
  }

  // The latest windows can be chosen from; "newest" follows them as they close. A chosen
  // window stays on the map until it drops out of the latest ones.
  let shownSpots = "";
  function showHotspots(s) {
    const h = s.hotspots;
    const choice = $("window-choice");
    const options = ["newest", ...h.windows.map((w) => w.start)];
    const key = JSON.stringify(h.windows.map((w) => [w.start, w.end]));
    if (choice.dataset.windows !== key) {
      choice.dataset.windows = key;
      const chosen = options.includes(choice.value) ? choice.value : "newest";
      choice.replaceChildren(
        new Option("The newest, as they close", "newest"),
        ...h.windows.map((w) => new Option(`${w.start} to ${w.end}`, w.start)),
      );
      choice.value = chosen;
    }
    const shown = choice.value === "newest" ? h.windows[0] : h.windows.find((w) => w.start === choice.value);
    const spots = shown?.spots ?? [];
    const spotsKey = JSON.stringify(spots);
    // Drawn once the outline has loaded (it may come after the first snapshot).
    if (map && spotsKey !== shownSpots) {
      shownSpots = spotsKey;
      map.setHotspots(spots);
    }
    rows(
      $("hotspots").querySelector("tbody"),
      spots.map((spot) => [spot.cell, spot.count, `${spot.lat.toFixed(3)}, ${spot.lon.toFixed(3)}`]),
    );
    $("map-window").textContent = shown
      ? `Window ${shown.start} to ${shown.end} (event time): ${spots.length} hot spots; ${number.format(h.events)} trips read, ${number.format(h.late)} too late.`
      : `No closed window yet (${number.format(h.events)} trips read).`;
  }

  function showControls(s) {
    $("replay-state").textContent = s.replay.running ? `Running at ${number.format(s.replay.speedup)}x.` : "Stopped.";
    if (s.replay.running && !speedTouched && document.activeElement !== $("replay-speed")) {
      $("replay-speed").value = String(s.replay.speedup);
    }
    $("burst-state").textContent = s.burst.running
      ? `Bursting until ${time(s.burst.until)}: ${number.format(s.burst.recordsSent)} records sent so far.`
      : s.burst.recordsSent > 0
        ? `Last bursts sent ${number.format(s.burst.recordsSent)} records in all.`
        : "";
    $("schema-rejects").textContent = number.format(s.rejects.schema);
    $("other-rejects").textContent = number.format(s.rejects.other);
    $("dead-letters").textContent = number.format(s.rejects.deadLetters);
  }

  const dollars = (usd) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;
  function showCost(s) {
    const c = s.cost;
    if (!c) return;
    $("cost-summary").textContent =
      `${dollars(c.usdPerHour)} an hour (${dollars(c.usdPerHour * 730)} a month) for ${s.stream.shards} shard(s), ` +
      `the tasks and the Flink job. The stream alone: ${dollars(c.provisionedStreamUsdPerHour)} an hour provisioned, ` +
      `${dollars(c.onDemandStreamUsdPerHour)} on-demand.`;
    rows(
      $("cost").querySelector("tbody"),
      c.lines.map((l) => [l.what, dollars(l.usdPerHour)]),
    );
    $("cost-note").textContent =
      `${c.region} prices checked ${c.pricesChecked} (runtime/cost/price-table.ts); ` +
      `each local record counts ${c.capacityScale} times, as the local scaler counts it.`;
  }

  function showLake(s) {
    const l = s.lake;
    if (!l) return;
    rows(
      $("lake").querySelector("tbody"),
      l.tenants.map((t) => [t.tenant, number.format(t.objects), number.format(t.rows), number.format(t.deadLetters)]),
    );
    $("lake-summary").textContent =
      l.newestObjectAgeMs === undefined
        ? "No lake object yet."
        : `Newest object written ${number.format(Math.round(l.newestObjectAgeMs / 1000))} s ago.`;
  }

  function showTenants(s) {
    const rate = (n) => number.format(Math.round(n));
    const cells = s.tenants.top.map((t) => [
      t.tenant,
      rate(t.recordsPerSecond),
      rate(t.rejectsPerSecond),
      number.format(t.rejects),
    ]);
    const rest = s.tenants.rest;
    if (rest.tenants > 0) {
      cells.push([
        `${number.format(rest.tenants)} other tenant${rest.tenants === 1 ? "" : "s"}`,
        rate(rest.recordsPerSecond),
        rate(rest.rejectsPerSecond),
        number.format(rest.rejects),
      ]);
    }
    rows($("tenants").querySelector("tbody"), cells);
  }

  let latest;
  function show(s) {
    latest = s;
    showThroughput(s);
    showShards(s);
    showConsumers(s);
    showHotspots(s);
    showLake(s);
    showControls(s);
    showCost(s);
    showTenants(s);
    // The status region changes only when the connection does; the time is not announced.
    if ($("connection").textContent !== "Live.") $("connection").textContent = "Live.";
    $("updated").textContent = `Updated ${time(s.at)}.`;
  }

  const events = new EventSource("/events");
  events.onmessage = (message) => show(JSON.parse(message.data));
  events.onerror = () => ($("connection").textContent = "Disconnected from the local stack; retrying…");
})();

// Progress dashboard: reads the reports JSON API with the user's token and lays out the charts.
// The token (from the identity provider's sign-in, sign_in.js, or pasted in development) lives in
// sessionStorage (gone with the tab) and travels only in the Authorization header.
"use strict";

(function () {
  const { el, shortDate, words, measureChart, monthlyBars, progressBar } = window.ReportCharts;
  const TOKEN_KEY = "reports-dashboard-token";
  const CLOSED = ["completed", "cancelled", "entered-in-error", "rejected"];
  const scales = JSON.parse(document.getElementById("scales").textContent);
  const signIn = JSON.parse(document.getElementById("sign-in-config").textContent);  // null: a pasted token
  const $ = (id) => document.getElementById(id);

  async function api(path) {
    const response = await fetch(path, { headers: { "Authorization": "Bearer " + sessionStorage.getItem(TOKEN_KEY),
                                                  "Accept": "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.message || ("HTTP " + response.status));
    return body;
  }

  function tile(label, value, hint, tone) {
    const box = el("div", { "class": "tile", "data-tile": label });
    box.append(el("div", { "class": "label" }, label), el("div", { "class": "value " + (tone || "") }, value));
    if (hint) box.append(el("div", { "class": "hint" }, hint));
    return box;
  }

  function yesNo(flag) { return flag === null || flag === undefined ? "n/a" : (flag ? "Yes" : "No"); }

  function drawSummary(report) {
    const rate = report.attendance_rate === null ? "—" : Math.round(report.attendance_rate * 100) + "%";
    const statuses = Object.entries(report.goals_by_status).map(([s, n]) => n + " " + words(s)).join(", ");
    $("summary").replaceChildren(
      tile("Goals", String(report.goals_total), statuses || "none yet"),
      tile("Sessions attended", String(report.sessions_attended), report.sessions_missed + " missed"),
      tile("Attendance rate", rate),
      tile("GAS T-score", report.gas_t_score === null ? "—" : report.gas_t_score.toFixed(1),
           report.gas_goals_rated + " goal(s) rated; 50 = as expected"),
      tile("Reliable improvement", yesNo(report.has_paired_scores ? report.reliable_improvement : null),
           report.reliable_deterioration ? "reliable deterioration" : "PHQ-9 ≥ 6 or GAD-7 ≥ 4 drop",
           report.reliable_improvement ? "good" : (report.reliable_deterioration ? "bad" : "")),
      tile("Recovery", yesNo(report.recovery), "from caseness to below it", report.recovery ? "good" : ""),
    );
  }

  function drawMeasure(key, measure) {
    const scale = scales[key];
    if (!measure.series.length) {
      $(key + "-chart").replaceChildren(el("p", { "class": "empty" }, "No " + scale.label + " scores recorded yet."));
      $(key + "-note").textContent = "";
      return;
    }
    $(key + "-chart").replaceChildren(measureChart(key, scale, measure.series));
    const change = measure.change === 0 ? "no change" : (measure.change < 0 ? "down " : "up ") + Math.abs(measure.change);
    $(key + "-note").textContent = measure.count === 1
      ? "One score so far: " + measure.latest + " (" + words(measure.band) + ")."
      : "First " + measure.first + ", latest " + measure.latest + " (" + words(measure.band) + "): " + change
        + " over " + measure.count + " sessions.";
  }

  function milestoneLine(milestone, goalOpen, today) {
    const done = milestone.reached_at !== null;
    const overdue = goalOpen && !done && milestone.due_date !== null && milestone.due_date < today;
    const when = done ? " — reached " + shortDate(milestone.reached_at) + " (" + milestone.days_to_reach + " days)"
      : (milestone.due_date ? (overdue ? " — overdue since " : " — due ") + shortDate(milestone.due_date) : "");
    return el("li", { "class": done ? "done" : (overdue ? "overdue" : "open") },
              (done ? "✓ " : "○ ") + (milestone.title || milestone.milestone_id) + when);
  }

  function drawMilestones(goals) {
    if (!goals.length) {
      $("milestones").replaceChildren(el("p", { "class": "empty" }, "No goals yet."));
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    $("milestones").replaceChildren(...goals.map((goal) => {
      const item = el("div", { "class": "goal", "data-goal": goal.goal_id });
      const head = el("div", { "class": "goal-head" });
      head.append(el("span", { "class": "goal-title" }, goal.title || goal.goal_id),
                  el("span", { "class": "goal-count" },
                     goal.milestones_reached + " of " + goal.milestones_total + " milestones reached"));
      const rating = goal.latest_rating === null ? ""
        : " · latest GAS rating " + (goal.latest_rating > 0 ? "+" : "") + goal.latest_rating;
      const meta = el("div", { "class": "goal-meta" }, [goal.category, goal.lifecycle_status, goal.achievement_status]
        .map(words).join(" · ") + rating);
      const progress = el("div", { "class": "progress" });
      progress.append(progressBar(goal.milestones_reached, goal.milestones_total));
      const list = el("ul", { "class": "milestone-list" });
      const goalOpen = !CLOSED.includes(goal.lifecycle_status);
      goal.milestones.forEach((m) => list.append(milestoneLine(m, goalOpen, today)));
      item.append(head, meta, progress, list);
      return item;
    }));
  }

  async function show(clientId) {
    $("status").className = "status";
    $("status").textContent = "Loading…";
    try {
      const [report, clinic] = await Promise.all([
        api("/v1/reports/clients/" + encodeURIComponent(clientId)), api("/v1/reports/clinic")]);
      $("client-heading").textContent = "Client " + report.client_id;
      drawSummary(report);
      drawMeasure("phq9", report.phq9);
      drawMeasure("gad7", report.gad7);
      drawMilestones(report.goals);
      $("achieved-chart").replaceChildren(monthlyBars(clinic.months));
      $("report").hidden = false;
      $("status").textContent = "Updated " + new Date().toLocaleTimeString("en-GB") + ".";
    } catch (error) {
      $("report").hidden = true;
      $("status").className = "status error";
      $("status").textContent = "Could not load the report: " + error.message;
    }
  }

  function failed(prefix) {
    return (error) => {
      $("status").className = "status error";
      $("status").textContent = prefix + error.message;
    };
  }

  $("query").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!signIn) sessionStorage.setItem(TOKEN_KEY, $("token").value.trim().replace(/^Bearer\s+/i, ""));
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      $("status").textContent = "Sign in first.";
      return;
    }
    show($("client-id").value.trim());
  });
  $("forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    if (!signIn) $("token").value = "";
    $("report").hidden = true;
    $("status").textContent = signIn ? "Signed out." : "Token forgotten.";
  });
  if (signIn) {
    $("sign-in").addEventListener("click", () => window.SignIn.start(signIn).catch(failed("Could not sign in: ")));
    window.SignIn.finish(signIn).then((token) => {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      if (sessionStorage.getItem(TOKEN_KEY)) $("status").textContent = "Signed in.";
    }).catch(failed("Could not sign in: "));
  } else if (sessionStorage.getItem(TOKEN_KEY)) {
    $("token").value = sessionStorage.getItem(TOKEN_KEY);
  }
})();

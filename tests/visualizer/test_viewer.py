"""Screenshot tests of buurt-view (run under xvfb-run by ctest; see tests/visualizer/CMakeLists.txt).

Usage: test_viewer.py BUURT_VIEW BUURT SOURCE_DIR TEST_NAME
Each test runs the viewer headless (--screenshot) on a small neighbourhood and checks the pixels it drew
against the result files it wrote and the colour scale documented in docs/viewer.md.
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib.image as mpimg
import numpy as np

VIEW, BUURT, SRC, NAME = sys.argv[1:5]
BASE = os.path.join(SRC, "scenarios", "baseline.toml")
DEMO = os.path.join(SRC, "tests", "visualizer", "scenarios")
SMALL = ["--set", "population.residents=1500"]
# The documented colour scale: doing fine (0) ... worst (1).
FINE = (60, 120, 200)
WORST = (220, 30, 40)
BACKGROUND = (24, 28, 36)


def run(args, expect=0):
    p = subprocess.run([VIEW] + args, capture_output=True, text=True, timeout=120)
    if p.returncode != expect:
        raise AssertionError(f"buurt-view {' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def png(path):
    img = mpimg.imread(path)
    return np.rint(img[:, :, :3] * 255).astype(np.int32)


def geometry(path):
    with open(path) as f:
        return json.load(f)


def pane_pixels(img, pane):
    x, y, w, h = (int(v) for v in pane["rect"])
    return img[y:y + h, x:x + w]


def close(c, ref, tol=6):
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(c, ref))


def test_frame_not_blank(tmp):
    run([BASE, *SMALL, "--weeks", "8", "--screenshot", "f.png", "--geometry", "g.json", "--no-record"])
    img, g = png("f.png"), geometry("g.json")
    m = pane_pixels(img, g["panes"][0])
    not_bg = np.any(np.abs(m - np.array(BACKGROUND)) > 3, axis=2).mean()
    colours = len(np.unique(m.reshape(-1, 3), axis=0))
    assert not_bg > 0.3, f"map is mostly background ({not_bg:.2f} drawn)"
    assert colours > 30, f"map has only {colours} colours"
    # The side panel (charts, controls) is drawn too.
    panel = img[:, int(g["panes"][0]["rect"][0] + g["panes"][0]["rect"][2]) + 10:]
    assert len(np.unique(panel.reshape(-1, 3), axis=0)) > 20, "side panel looks empty"


def test_legend_colours(tmp):
    run([BASE, *SMALL, "--weeks", "2", "--screenshot", "f.png", "--geometry", "g.json", "--no-record"])
    img, g = png("f.png"), geometry("g.json")
    x0, y0, x1, y1 = (int(round(v)) for v in g["legend_bar"])
    assert x1 - x0 > 50 and y1 - y0 > 5, f"legend bar too small: {g['legend_bar']}"
    y = (y0 + y1) // 2
    left, right = img[y, x0 + 1], img[y, x1 - 2]
    assert close(left, FINE), f"legend starts with {left}, expected the 'fine' colour {FINE}"
    assert close(right, WORST), f"legend ends with {right}, expected the high-need colour {WORST}"
    # In between it follows the documented stops (yellow at 0.55).
    stops = g["scale_stops"]
    assert stops[0][1:] == list(FINE) and stops[-1][1:] == list(WORST)
    mid = img[y, x0 + int(0.55 * (x1 - x0))]
    assert close(mid, (235, 215, 60), 20), f"legend at 0.55 is {mid}, expected yellow"


def test_high_need_resident(tmp):
    # Week 6 of a small run: pick a resident living alone (drawn at its own position) with low need and
    # no symbol on top, force its need to 1 in every domain, and look at its pixels.
    run([BASE, *SMALL, "--weeks", "6", "--screenshot", "before.png", "--geometry", "g.json", "--out", "s.h5"])
    with h5py.File("s.h5") as f:
        hh = f["population/household"][:]
        x, y = f["population/x"][:], f["population/y"][:]
        last = -1
        need = sum(f[f"snapshots/need_{d}"][last] for d in ("income", "health", "mental", "social", "household"))
        flags = f["snapshots/flags"][last]
    alone = np.bincount(hh)[hh] == 1
    cand = np.where(alone & (need < 0.05) & ((flags & (4 | 8 | 16)) == 0))[0]
    assert len(cand) > 0
    i = int(cand[len(cand) // 2])
    run([BASE, *SMALL, "--weeks", "6", "--test-need", f"{i}=1.0", "--screenshot", "after.png", "--no-record"])
    g = geometry("g.json")["panes"][0]
    px = int(np.floor(g["offset"][0] + x[i] * g["scale"]))
    py = int(np.floor(g["offset"][1] + y[i] * g["scale"]))
    before, after = png("before.png"), png("after.png")
    r = 1
    a = after[py - r:py + r + 1, px - r:px + r + 1].reshape(-1, 3)
    b = before[py - r:py + r + 1, px - r:px + r + 1].reshape(-1, 3)
    share_after = np.mean([close(c, WORST, 2) for c in a])
    share_before = np.mean([close(c, WORST, 40) for c in b])
    assert share_after >= 0.6, f"resident {i} at ({px},{py}) is not drawn in the high-need colour: {a.tolist()}"
    assert share_before == 0, f"resident {i} was already reddish before: {b.tolist()}"


def test_live_equals_replay(tmp):
    # A live session stopped at week 10 (with slider moves) and the replay of its file at week 10 draw
    # the same map, pixel for pixel; so does a replay scrubbed back to week 4 against a live run to week 4.
    steer = ["--steer", "3:team.fte_per_1000=1.8", "--steer", "5:helping.share_willing=0.8"]
    run([BASE, *SMALL, *steer, "--weeks", "10", "--screenshot", "live10.png", "--geometry", "g.json", "--out", "s.h5"])
    run(["--replay", "s.h5", "--weeks", "10", "--screenshot", "replay10.png"])
    run([BASE, *SMALL, *steer, "--weeks", "4", "--screenshot", "live4.png", "--no-record"])
    run(["--replay", "s.h5", "--weeks", "4", "--screenshot", "replay4.png"])
    g = geometry("g.json")["panes"][0]
    for a, b in (("live10.png", "replay10.png"), ("live4.png", "replay4.png")):
        la, rb = pane_pixels(png(a), g), pane_pixels(png(b), g)
        diff = np.any(la != rb, axis=2)
        assert not diff.any(), f"{a} and {b} differ in {int(diff.sum())} map pixels"
    assert not np.array_equal(pane_pixels(png("live10.png"), g), pane_pixels(png("live4.png"), g)), "weeks 4 and 10 look identical"


def test_steering_logged_and_replayed(tmp):
    steer = ["--steer", "2:team.fte_per_1000=1.8", "--steer", "4:community.managers=10"]
    run([BASE, *SMALL, *steer, "--weeks", "12", "--screenshot", "a.png", "--out", "steered.h5"])
    run([BASE, *SMALL, "--weeks", "12", "--screenshot", "b.png", "--out", "plain.h5"])
    with h5py.File("steered.h5") as f:
        weeks = f["steering/week"][:].tolist()
        keys = [k.decode() if isinstance(k, bytes) else k for k in f["steering/key"][:]]
        values = [v.decode() if isinstance(v, bytes) else v for v in f["steering/value"][:]]
        cost_steered = f["timeseries/cost_total"][:]
        cm_steered = f["timeseries/cm_active"][:]
    assert weeks == [2, 4], weeks
    assert keys == ["team.fte_per_1000", "community.managers"], keys
    assert values == ["1.8", "10"], values
    with h5py.File("plain.h5") as f:
        assert len(f["steering/week"]) == 0
        cost_plain = f["timeseries/cost_total"][:]
        cm_plain = f["timeseries/cm_active"][:]
    # Up to the first logged week nothing differs; after it the steered run does (the log had an effect).
    assert np.array_equal(cost_steered[:3], cost_plain[:3])
    assert not np.array_equal(cost_steered[3:], cost_plain[3:]), "team.fte_per_1000=1.8 changed no cost"
    assert cm_steered[-1] > cm_plain[-1], "community.managers=10 activated no community managers"
    # Replaying the steered file re-applies the log: same picture as live; the plain file gives another.
    run(["--replay", "steered.h5", "--weeks", "12", "--screenshot", "ra.png", "--geometry", "g.json"])
    g = geometry("g.json")["panes"][0]
    assert np.array_equal(pane_pixels(png("a.png"), g), pane_pixels(png("ra.png"), g)), "replay of the steered session differs from the live session"
    assert not np.array_equal(pane_pixels(png("a.png"), g), pane_pixels(png("b.png"), g)), "steered and plain sessions look identical"


def test_snapshot_replay(tmp):
    # A plain `buurt run` file has no slider log: the viewer replays its snapshots. At a snapshot week the
    # map equals the live one (team office off: the file does not store team or initiatives).
    sets = [*SMALL, "--set", "team.fte_per_1000=0", "--set", "run.weeks=13", "--set", "run.snapshot_every=13"]
    subprocess.run([BUURT, "run", BASE, *sets, "--out", "run.h5", "--quiet"], check=True, capture_output=True, timeout=120)
    run(["--replay", "run.h5", "--weeks", "13", "--screenshot", "r.png", "--geometry", "g.json"])
    run([BASE, *sets, "--weeks", "13", "--screenshot", "l.png", "--no-record"])
    g = geometry("g.json")["panes"][0]
    assert g["week"] == 13
    diff = np.any(pane_pixels(png("l.png"), g) != pane_pixels(png("r.png"), g), axis=2)
    assert not diff.any(), f"snapshot replay differs from live in {int(diff.sum())} map pixels"


def test_replay_detects_other_kernel(tmp):
    # A session file whose outcomes this kernel does not reproduce (here: one value edited) is not
    # re-simulated silently: the viewer says so and shows the file's snapshots instead.
    run([BASE, *SMALL, "--steer", "2:team.fte_per_1000=1.4", "--weeks", "10", "--screenshot", "l.png", "--out", "s.h5"])
    with h5py.File("s.h5", "r+") as f:
        f["timeseries/in_need_share"][4] += 0.01
    p = run(["--replay", "s.h5", "--weeks", "10", "--screenshot", "r.png", "--geometry", "g.json"])
    assert "week 4 differs from the file" in p.stderr, p.stderr
    run(["--replay", "s.h5", "--replay-snapshots", "--weeks", "10", "--screenshot", "rs.png"])
    g = geometry("g.json")["panes"][0]
    assert np.array_equal(pane_pixels(png("r.png"), g), pane_pixels(png("rs.png"), g)), "fallback does not show the snapshots"


def test_side_by_side(tmp):
    a, b = os.path.join(DEMO, "directive.toml"), os.path.join(DEMO, "facilitating.toml")
    run([a, b, *SMALL, "--seed", "7", "--weeks", "10", "--screenshot", "s.png", "--geometry", "g.json", "--out", "ws.h5"])
    g = geometry("g.json")
    assert len(g["panes"]) == 2 and all(p["week"] == 10 for p in g["panes"])
    img = png("s.png")
    for p in g["panes"]:
        m = pane_pixels(img, p)
        assert np.any(np.abs(m - np.array(BACKGROUND)) > 3, axis=2).mean() > 0.2
    with h5py.File("ws_a.h5") as fa, h5py.File("ws_b.h5") as fb:
        assert fa["meta/seed"][()] == fb["meta/seed"][()] == 7
        assert fa["meta/scenario_name"][()] != fb["meta/scenario_name"][()]
        assert len(fa["timeseries/week"]) == len(fb["timeseries/week"]) == 11


def test_bad_input(tmp):
    p = run(["nope.toml"], expect=2)
    assert "nope.toml" in p.stderr
    p = run([BASE, "--set", "team.ftee=3", "--no-record", "--screenshot", "x.png"], expect=2)
    assert "team.ftee" in p.stderr
    with open("taken.h5", "wb") as f:
        f.write(b"precious")
    p = run([BASE, *SMALL, "--out", "taken.h5", "--screenshot", "x.png"], expect=3)
    assert "--force" in p.stderr
    assert open("taken.h5", "rb").read() == b"precious", "existing file was touched"
    p = run(["--replay", "taken.h5", "--screenshot", "x.png"], expect=2)
    assert "taken.h5" in p.stderr
    with h5py.File("other.h5", "w") as f:
        f["something"] = 1
    p = run(["--replay", "other.h5", "--screenshot", "x.png"], expect=2)
    assert "/population/x" in p.stderr
    p = run([BASE, "--steer", "3:team.ftee=2", "--no-record", "--screenshot", "x.png"], expect=2)
    assert "team.fte" in p.stderr, "no 'did you mean' hint for a misspelt --steer key"


def test_record_video(tmp):
    # The interactive loop (not --screenshot) piping frames to ffmpeg for 20 frames.
    run([BASE, *SMALL, "--no-record", "--record", "v.mp4", "--exit-after", "20", "--speed", "30"])
    p = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", "v.mp4"],
                       capture_output=True, text=True, check=True)
    assert int(p.stdout.strip()) == 20, p.stdout


# --- Workshop on a projector: every label fits its box, every chart is on screen (--layout-report) ---

LIBRARY = sorted(os.path.join(SRC, "scenarios", f) for f in os.listdir(os.path.join(SRC, "scenarios")) if f.endswith(".toml"))


def cut_labels(report):
    """Labels wider than the room they had, or (partly) below the bottom of their window or of the screen."""
    W, H = report["window"]
    return [l for l in report["labels"] if l["width"] > l["box"] + 0.5 or l["y"] + l["height"] > min(l["bottom"], H) + 0.5]


def broken_words(report):
    """Chart title lines holding a piece of a word (a word broken to fit) rather than whole words: the title
    lines of a chart are the chart_title labels in its column between the chart above it and the chart."""
    bad = []
    for c in report["charts"]:
        x, y = c["rect"][0], c["rect"][1]
        above = [d["rect"][1] + d["rect"][3] for d in report["charts"] if abs(d["rect"][0] - x) < 0.5 and d["rect"][1] < y]
        top = max(above, default=0.0)
        words = set(c["title"].split())
        for l in report["labels"]:
            if l["kind"] == "chart_title" and abs(l["x"] - x) < 0.5 and top <= l["y"] < y:
                bad += [w for w in l["text"].split() if w not in words]
    return bad


def dutch_labels():
    """Outcome name -> Dutch label, as `buurt describe outcomes` prints them (Outcomes.def label_nl)."""
    out = subprocess.run([BUURT, "describe", "outcomes"], capture_output=True, text=True, check=True).stdout
    names, labels = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            labels = line.split()[0]
        elif "(nl: " in line and labels:
            names[labels] = line.split("(nl: ", 1)[1].split(")", 1)[0]
    return names


def check_projector(report, pages):
    W, H = report["window"]
    assert report["layout"] == "projector"
    assert not cut_labels(report), f"cut text at {W}x{H}: {cut_labels(report)[:5]}"
    assert not broken_words(report), f"broken words in chart titles at {W}x{H}: {broken_words(report)}"
    charts = report["charts"]
    assert len(charts) == 8, f"{len(charts)} of 8 headline charts drawn"
    for c in charts:
        x, y, w, h = c["rect"]
        assert x >= 0 and y >= 0 and x + w <= W and y + h <= H, f"chart {c['outcome']} off screen: {c['rect']}"
        assert h >= 20, f"chart {c['outcome']} only {h:.0f} px high"
        assert 5 in c["markers"], f"the slider move at week 5 is not marked on {c['outcome']}"
    nl = dutch_labels()
    for c in charts:
        assert c["title"].lower() == nl[c["outcome"]].lower(), f"{c['outcome']}: title {c['title']!r}, Dutch label {nl[c['outcome']]!r}"
    by = {c["outcome"]: c for c in charts}
    # Auto-scaled: the severe-loneliness axis does not start at zero, and counts carry their unit.
    assert by["severely_lonely_share"]["y_range"][0] > 0.05, by["severely_lonely_share"]["y_range"]
    assert by["team_queue"]["value"].endswith("bewoners"), by["team_queue"]["value"]
    assert by["in_need_share"]["value"].endswith("%"), by["in_need_share"]["value"]
    header = " ".join(report["header"])
    assert f"[1/{len(LIBRARY)}] Uitgangssituatie" in header and f"pagina 1/{pages}" in header, header
    assert "zaadje" not in header.lower() and "20261123" not in header, f"the seed is shown in the workshop: {header}"


def test_workshop_projector(tmp):
    # The whole library at a projector's 1920x1080 and a beamer's 1280x800, in Dutch, a slider moved at week 5.
    pages = (len(LIBRARY) + 8) // 9
    for size in ("1920x1080", "1280x800"):
        run(["--workshop", *SMALL, "--lang", "nl", "--size", size, "--weeks", "12", "--steer", "5:team.mode=0.9", "--no-record", "--screenshot", f"w{size}.png",
             "--layout-report", f"w{size}.json", *LIBRARY])
        check_projector(geometry(f"w{size}.json"), pages)
    # Negative control: the same check on a window too small for the projector type finds the cut text.
    run(["--workshop", *SMALL, "--lang", "nl", "--size", "700x420", "--weeks", "2", "--no-record", "--screenshot", "small.png", "--layout-report", "small.json",
         *LIBRARY])
    assert cut_labels(geometry("small.json")), "a 700x420 workshop screen reports no cut text: the check cannot fail"


def test_side_by_side_layout(tmp):
    a, b = os.path.join(SRC, "scenarios", "team_directive.toml"), os.path.join(SRC, "scenarios", "team_facilitating.toml")
    for size in ("1280x800", "1920x1080"):
        run([a, b, *SMALL, "--lang", "en", "--size", size, "--weeks", "6", "--steer", "3:team.mode=0.9", "--no-record", "--screenshot", "s.png",
             "--layout-report", "s.json", "--geometry", "g.json"])
        r, g = geometry("s.json"), geometry("g.json")
        assert not cut_labels(r), f"cut text side by side at {size}: {cut_labels(r)[:5]}"
        assert len(r["charts"]) == 8 and all(c["rect"][1] + c["rect"][3] <= r["window"][1] for c in r["charts"])
        # The difference is named as the panes are arranged.
        (pa, pb) = g["panes"]
        stacked = pb["rect"][1] > pa["rect"][1] + 1
        assert r["difference"].endswith(f"({'bottom − top' if stacked else 'right − left'})"), (r["difference"], g["panes"])
        # Both steered to 0.9 with A+B: the mode slider shows the one value they now share.
        values = [l["text"] for l in r["labels"] if l["kind"] == "value"]
        assert "0.90" in values, values
    # Steering only B: the A+B view of the mode slider shows A's and B's value.
    run([a, b, *SMALL, "--size", "1280x800", "--weeks", "2", "--no-record", "--screenshot", "s2.png", "--layout-report", "s2.json"])
    values = [l["text"] for l in geometry("s2.json")["labels"] if l["kind"] == "value"]
    assert any(v.count("|") == 1 and v.split(" | ")[0] != v.split(" | ")[1] for v in values), f"no 'A | B' slider value: {values}"


def test_help_and_paging(tmp):
    # H shows the keys and this page's scenarios with their claims; PageDown and 2 show the 11th scenario.
    run(["--workshop", *SMALL, "--lang", "nl", "--size", "1280x800", "--weeks", "2", "--no-record", "--screenshot", "h.png", "--layout-report", "h.json",
         "--test-keys", "0:PageDown", "--test-keys", "0:Num2", "--test-keys", "1:H", *LIBRARY])
    r = geometry("h.json")
    assert r["scenario"] == 10 and r["page"] == [1, 2], (r["scenario"], r["page"])
    assert f"[11/{len(LIBRARY)}]" in r["header"][0] and "pagina 2/2" in r["header"][0], r["header"]
    help_text = " ".join(l["text"] for l in r["labels"] if l["kind"] == "help")
    for words in ("Esc", "PgUp / PgDn", "Kwetsbare wijk (getoond)", "Sturen op vertrouwen"):
        assert words in help_text, f"{words!r} not in the help: {help_text}"
    assert "Uitgangssituatie" not in help_text, "the help lists scenarios of another page"
    assert not cut_labels(r), cut_labels(r)[:5]
    # A number beyond this page's scenarios changes nothing.
    run(["--workshop", *SMALL, "--size", "1280x800", "--weeks", "1", "--no-record", "--screenshot", "n.png", "--layout-report", "n.json", "--test-keys", "0:PageDown",
         "--test-keys", "0:Num5", *LIBRARY])
    assert geometry("n.json")["scenario"] == 0


def test_esc_asks_first(tmp):
    args = [BASE, *SMALL, "--no-record", "--speed", "2", "--exit-after", "12", "--layout-report", "q.json"]
    run(args + ["--test-keys", "3:Escape"])
    r = geometry("q.json")
    assert not r["quit_by_key"] and r["frames"] == 12, "one Esc quit the viewer"
    assert any(l["kind"] == "quit" for l in r["labels"]), "no question after Esc"
    run(args + ["--test-keys", "3:Escape", "--test-keys", "4:Space"])
    r = geometry("q.json")
    assert not r["quit_by_key"] and r["frames"] == 12 and not any(l["kind"] == "quit" for l in r["labels"]), "another key did not carry on"
    run(args + ["--test-keys", "3:Escape", "--test-keys", "5:Escape"])
    r = geometry("q.json")
    assert r["quit_by_key"] and r["frames"] == 5, f"Esc twice did not quit ({r['frames']} frames)"


def test_no_display(tmp):
    # Without a display: arguments and scenarios are checked first (exit 2), then exit 4 with a clear message.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    p = subprocess.run([VIEW, "nope.toml"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2 and "nope.toml" in p.stderr, (p.returncode, p.stderr)
    p = subprocess.run([VIEW, BASE, *SMALL, "--screenshot", "x.png"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 4 and "xvfb-run" in p.stderr, (p.returncode, p.stderr)
    assert not os.path.exists("x.png") and not any(f.endswith(".h5") for f in os.listdir(".")), os.listdir(".")


def test_restart_default_name(tmp):
    # A facilitator who tried it beforehand can start again: the default session name takes the next number.
    run([BASE, *SMALL, "--weeks", "2", "--screenshot", "a.png"])
    p = run([BASE, *SMALL, "--weeks", "2", "--screenshot", "b.png"])
    assert os.path.exists("baseline_session.h5") and os.path.exists("baseline_session_2.h5"), os.listdir(".")
    assert "baseline_session_2.h5" in p.stdout


if __name__ == "__main__":
    test = globals().get(f"test_{NAME}")
    if test is None:
        sys.exit(f"unknown test {NAME}")
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        test(d)
    print(f"{NAME}: ok")

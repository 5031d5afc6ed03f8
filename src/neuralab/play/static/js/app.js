// The playground page: connects to this server's WebSocket, sends what the user changes, and
// draws each frame the server sends (then acknowledges it, so the server sends the next).

import { LossChart } from "./charts.js";
import { Classroom } from "./classroom.js";
import { Controls } from "./controls.js";
import { DiagnosticsPanel } from "./diagnostics.js";
import { drawHeatmap } from "./heatmap.js";
import { setLanguage, t } from "./i18n.js";
import { NetworkView } from "./network.js";
import { Presets } from "./presets.js";
import { connect } from "./protocol.js";
import { RacePanel } from "./race.js";
import { decode as decodeHash, encode as encodeHash } from "./state.js";

const $ = (id) => document.getElementById(id);
const state = { frame: null, waiting: null, unacked: 0, frames: 0, generation: -1,
  data: null, config: null, hovered: null, playing: false, errorKind: null };
let view, connection, controls, network, diagnostics, chart, race, presets;

function send(message) { connection.send(message); }

function writeHash() {
  if (!state.config) return;
  history.replaceState(null, "", location.pathname + location.search + encodeHash(state.config, view));
}

// --- messages from the server -----------------------------------------------------------------

const HANDLERS = {
  config(message) {
    state.config = message.config;
    controls.show(message.config);
    if (message.notes.length) notice(message.notes.join("; "));
    writeHash();
    document.body.dataset.framesAtConfig = String(state.frames); // the next frame shows it
  },
  error(message) {
    showError(message.message, message.about === "connect" ? "connect" : "error");
  },
  code(message) {
    download(message.filename, new Blob([message.code], { type: "text/x-python" }));
  },
  data({ header, arrays }) {
    state.data = { classes: header.classes, domain: header.domain, x_train: arrays.x_train.data,
      y_train: arrays.y_train.data, x_test: arrays.x_test.data, y_test: arrays.y_test.data };
  },
  frame(message) {
    state.waiting = message;
    state.unacked += 1;
    requestAnimationFrame(draw);
  },
  model({ header, arrays }) {
    download(header.filename, new Blob([arrays.file.data], { type: "application/octet-stream" }));
  },
  surface(message) { race.surface(message); },
};

function onMessage(message, binary) {
  const type = binary ? message.header.type : message.type;
  HANDLERS[type]?.(message);
}

function onClose() {
  if (state.errorKind !== "connect") showError(t("disconnected"), "connect");
}

// --- drawing a frame ----------------------------------------------------------------------------

function number(value, digits = 3) { return value == null ? "–" : value.toFixed(digits); }

function draw() {
  const frame = state.waiting;
  if (!frame) return;
  state.waiting = null;
  render(frame);
  state.frames += 1;
  document.body.dataset.frames = String(state.frames);
  for (; state.unacked > 0; state.unacked--) send({ type: "ack" });
}

function render(frame) {
  const h = frame.header;
  if (h.generation !== state.generation) { chart.clear(); state.generation = h.generation; }
  state.frame = frame;
  $("epoch").textContent = String(h.epoch).padStart(3, "0");
  $("train-loss").textContent = number(h.train_loss);
  $("test-loss").textContent = number(h.test_loss);
  $("test-accuracy").textContent = h.test_accuracy == null ? "–" : `${(h.test_accuracy * 100).toFixed(1)}%`;
  chart.add(h.epoch, h.train_loss, h.test_loss);
  chart.draw();
  if (state.config && state.data) {
    network.build(controls.meta, h, state.data.domain);
    network.update(frame, state.data.classes);
  }
  drawMain();
  diagnostics.update(h.diagnostics);
  if (h.race) race.update(h.race);
  setPlaying(h.playing);
  if (h.diverged) showError(`${t("diverged")} ${h.diverged}`, "diverged");
  else if (state.errorKind === "diverged") hideError();
}

/** The big heatmap: the output, or the neuron under the mouse. */
function drawMain() {
  const frame = state.frame;
  if (!frame) return;
  let neuron = null;
  const k = state.hovered;
  if (k != null && frame.arrays.neurons && k < frame.arrays.neurons.shape[0]) {
    const side = frame.arrays.neurons.shape[1], size = side * side;
    const range = frame.arrays.neuron_range.data;
    neuron = { bytes: frame.arrays.neurons.data.subarray(k * size, (k + 1) * size), side,
      low: range[2 * k], high: range[2 * k + 1] };
  }
  $("heatmap-label").textContent = neuron ? `${t("heatmap_hover")} ${k + 1}` : t("heatmap_output");
  drawHeatmap($("heatmap"), frame, state.data, view, neuron);
}

function setPlaying(playing) {
  state.playing = playing;
  $("play-icon").setAttribute("d", playing ? "M6 5h4v14H6zM14 5h4v14h-4z" : "M8 5v14l11-7z");
  $("play").classList.toggle("playing", playing);
}

// --- messages to the user -----------------------------------------------------------------------

function showError(text, kind) {
  state.errorKind = kind;
  $("error-text").textContent = text;
  $("error-reset").hidden = kind !== "diverged";
  $("error").hidden = false;
}

function hideError() {
  state.errorKind = null;
  $("error").hidden = true;
  $("error-text").textContent = "";
}

function notice(text) {
  $("notice").textContent = `${t("notes")}: ${text}`;
  $("notice").hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { $("notice").hidden = true; }, 6000);
}

function download(filename, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// --- the page's own controls ----------------------------------------------------------------------

function wire(meta) {
  $("play").addEventListener("click", () => { send({ type: state.playing ? "pause" : "play" }); setPlaying(!state.playing); });
  $("step").addEventListener("click", () => send({ type: "step" }));
  for (const id of ["reset", "error-reset"]) $(id).addEventListener("click", () => { hideError(); send({ type: "reset" }); });
  $("error-close").addEventListener("click", hideError);
  $("export-model").addEventListener("click", () => send({ type: "export", what: "model" }));
  $("export-code").addEventListener("click", () => send({ type: "export", what: "code" }));
  $("show-test").addEventListener("change", () => { view.showTest = $("show-test").checked; drawMain(); writeHash(); });
  $("discretize").addEventListener("change", () => { view.discretize = $("discretize").checked; drawMain(); writeHash(); });
  $("language").addEventListener("change", () => changeLanguage($("language").value));
  $("upload").addEventListener("change", () => upload(meta));
}

function upload(meta) {
  const file = $("upload").files[0];
  if (!file) return;
  const limit = meta.limits.max_upload_bytes;
  if (file.size > limit) {
    showError(`${file.name}: ${t("too_large")} ${limit.toLocaleString()} ${t("bytes")}`, "error");
  } else {
    hideError();
    file.text().then((csv) => send({ type: "upload", name: file.name, csv }));
  }
  $("upload").value = "";
}

function changeLanguage(lang) {
  view.lang = lang;
  setLanguage(lang);
  $("language").value = lang;
  diagnostics.describe();
  presets.relabel();
  network.key = "";
  race.setRunning(race.running);
  if (!race.field) race.placeholder();
  if (state.frame) render(state.frame);
  writeHash();
}

async function main() {
  const token = new URLSearchParams(location.search).get("token");
  const response = await fetch(`/api/meta${token ? "?token=" + encodeURIComponent(token) : ""}`);
  const meta = await response.json();
  const fromUrl = decodeHash(location.hash);
  view = fromUrl.view;
  if (fromUrl.config.dataset === "upload") delete fromUrl.config.dataset; // the file is not in the URL
  connection = connect(onMessage, onClose);
  controls = new Controls(meta, send);
  network = new NetworkView($("network"), {
    toggleFeature: (name) => controls.toggleFeature(name),
    neurons: (layer, delta) => controls.neurons(layer, delta),
    activation: (layer, name) => controls.activation(layer, name),
    weight: (layer, source, target, value) => send({ type: "set_weight", layer, source, target, value }),
    hover: (index) => { state.hovered = index; drawMain(); },
  });
  diagnostics = new DiagnosticsPanel($("diagnostics"));
  chart = new LossChart($("curves"));
  race = new RacePanel($("race"), meta, send);
  presets = new Presets(meta, send);
  new Classroom(view, writeHash);
  $("show-test").checked = view.showTest;
  $("discretize").checked = view.discretize;
  wire(meta);
  changeLanguage(view.lang);
  if (Object.keys(fromUrl.config).length) send({ type: "config", config: fromUrl.config });
  // A link pasted into this tab changes only the hash: start again from it, as on a new load.
  window.addEventListener("hashchange", () => location.reload());
}

main();

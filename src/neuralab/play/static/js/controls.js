// The form controls: built from the server's registries (/api/meta), set from the set-up the
// server accepted, and each change sent as {"type": "config", "config": {key: value}}.

import { t } from "./i18n.js";

const RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DROPOUT = [0, 0.1, 0.2, 0.3, 0.5];
const SPEED = [1, 2, 5, 10, 20];

function options(select, values, label = String) {
  select.replaceChildren(...values.map((value) => {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = label(value);
    return option;
  }));
}

/** Select `value`, adding it as an option first if a URL brought one the list lacks. */
function choose(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = document.createElement("option");
    option.value = text; option.textContent = text;
    select.appendChild(option);
  }
  select.value = text;
}

const $ = (id) => document.getElementById(id);

export class Controls {
  constructor(meta, send) {
    this.meta = meta;
    this.send = (changes) => send({ type: "config", config: changes });
    options($("learning-rate"), RATES);
    options($("activation"), meta.activations);
    options($("loss"), meta.losses);
    options($("optimizer"), meta.optimizers);
    options($("schedule"), meta.schedules);
    options($("init"), meta.initializers);
    options($("reg"), ["none", "l1", "l2"], (v) => ({ none: "none", l1: "L1", l2: "L2" })[v]);
    options($("reg_rate"), REG_RATES);
    options($("dropout"), DROPOUT);
    options($("speed"), SPEED);
    options($("classes"), [2, 3, 4, 5]);
    this.datasetButtons(meta.datasets);
    this.listen();
  }

  datasetButtons(names) {
    for (const name of names) {
      const button = document.createElement("button");
      button.dataset.testid = `dataset-${name}`;
      button.dataset.dataset = name;
      button.textContent = name;
      button.addEventListener("click", () => this.send({ dataset: name }));
      $("datasets").appendChild(button);
    }
  }

  listen() {
    const number = (id, key = id) => $(id).addEventListener("change", () => this.send({ [key]: Number($(id).value) }));
    const text = (id, key = id) => $(id).addEventListener("change", () => this.send({ [key]: $(id).value }));
    number("learning-rate", "lr");
    text("loss"); text("optimizer"); text("schedule"); text("init"); text("reg");
    number("reg_rate"); number("dropout"); number("speed"); number("classes");
    for (const id of ["ratio", "noise", "batch"]) {
      $(id).addEventListener("input", () => { $(`${id}-value`).textContent = $(id).value; });
      number(id);
    }
    $("activation").addEventListener("change", () => {
      const name = $("activation").value;
      if (name) this.send({ activations: this.config.layers.map(() => name) });
    });
    $("regenerate").addEventListener("click", () => this.send({ seed: Math.floor(Math.random() * 2 ** 31) }));
    $("add-layer").addEventListener("click", () => this.changeLayers((l) => [...l, 2]));
    $("remove-layer").addEventListener("click", () => this.changeLayers((l) => l.slice(0, -1)));
  }

  changeLayers(change) {
    const layers = change(this.config.layers);
    if (layers.length <= this.meta.limits.max_hidden_layers) this.send({ layers });
  }

  /** The network diagram's own buttons. */
  neurons(layer, delta) {
    const layers = [...this.config.layers];
    layers[layer] = Math.max(1, Math.min(this.meta.limits.max_neurons, layers[layer] + delta));
    this.send({ layers });
  }

  activation(layer, name) {
    const activations = [...this.config.activations];
    activations[layer] = name;
    this.send({ activations });
  }

  toggleFeature(name) {
    const on = this.config.features.includes(name);
    const features = on ? this.config.features.filter((f) => f !== name) : [...this.config.features, name];
    if (features.length) this.send({ features });
  }

  /** Show the set-up the server accepted. */
  show(config) {
    this.config = config;
    choose($("learning-rate"), config.lr);
    for (const key of ["loss", "optimizer", "schedule", "init", "reg"]) choose($(key), config[key]);
    choose($("reg_rate"), config.reg_rate);
    choose($("dropout"), config.dropout);
    choose($("speed"), config.speed);
    const same = config.activations.every((a) => a === config.activations[0]);
    const global = $("activation");
    [...global.options].filter((o) => o.value === "").forEach((o) => o.remove());
    global.disabled = config.activations.length === 0; // no hidden layer: nothing to set
    if (global.disabled) { /* keep the last choice on show */ }
    else if (same) global.value = config.activations[0];
    else { choose(global, ""); global.options[global.selectedIndex].textContent = t("per_layer"); }
    for (const id of ["ratio", "noise", "batch"]) {
      $(id).value = config[id];
      $(`${id}-value`).textContent = config[id];
    }
    $("batch").max = Math.max(30, config.batch);
    $("seed").textContent = config.seed;
    $("layer-count").textContent = config.layers.length;
    $("classes-row").hidden = !this.meta.multiclass.includes(config.dataset);
    if (config.classes >= 2) choose($("classes"), config.classes);
    for (const button of $("datasets").children) {
      button.classList.toggle("active", button.dataset.dataset === config.dataset);
    }
  }
}

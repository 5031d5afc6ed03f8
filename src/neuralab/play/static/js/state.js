// The whole set-up in the URL: #dataset=xor&noise=10&layers=4,2&…&lang=zh&hide=optimizer,loss
// A link the page made restores the same controls and data seed (not the trained weights).
// The server checks every value again; this only turns text into numbers and lists.

const INTEGERS = ["classes", "noise", "ratio", "seed", "batch", "speed"];
const REALS = ["lr", "dropout", "reg_rate"];
const NAMES = ["dataset", "loss", "optimizer", "schedule", "init", "reg"];
const NAME_LISTS = ["features", "activations"];
const INTEGER_LISTS = ["layers"];
export const CONFIG_KEYS = [...NAMES, ...INTEGERS, ...REALS, ...NAME_LISTS, ...INTEGER_LISTS];

/** The URL hash for a set-up and the page's own view settings. */
export function encode(config, view) {
  const params = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    if (!(key in config)) continue;
    const value = config[key];
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.set("lang", view.lang);
  params.set("show_test", view.showTest ? "1" : "0");
  params.set("discretize", view.discretize ? "1" : "0");
  if (view.hide.length) params.set("hide", view.hide.join(","));
  return "#" + params.toString();
}

function list(text) { return text === "" ? [] : text.split(","); }

/** {config, view} read from a URL hash; keys absent from it are absent from config. */
export function decode(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const config = {};
  for (const key of NAMES) if (params.has(key)) config[key] = params.get(key);
  for (const key of INTEGERS) if (params.has(key)) config[key] = Number(params.get(key));
  for (const key of REALS) if (params.has(key)) config[key] = Number(params.get(key));
  for (const key of NAME_LISTS) if (params.has(key)) config[key] = list(params.get(key));
  for (const key of INTEGER_LISTS) {
    if (params.has(key)) config[key] = list(params.get(key)).map(Number);
  }
  const view = {
    lang: params.get("lang") || (navigator.language.startsWith("zh") ? "zh" : "en"),
    showTest: params.get("show_test") === "1",
    discretize: params.get("discretize") === "1",
    hide: params.has("hide") ? list(params.get("hide")) : [],
  };
  return { config, view };
}

// Claim presets C1–C12: a button per claim of the seed; a click asks the server for its set-up
// and shows the seed's sentence in Chinese, its English translation and what to watch.

import { currentLanguage } from "./i18n.js";

export class Presets {
  constructor(meta, send) {
    this.presets = meta.presets;
    this.send = send;
    this.shown = null;
    const row = document.getElementById("preset-buttons");
    for (const preset of this.presets) {
      const button = document.createElement("button");
      button.dataset.testid = `preset-${preset.id}`;  // data-testid preset-C1 … preset-C12
      button.textContent = preset.id;
      button.addEventListener("click", () => this.choose(preset));
      row.appendChild(button);
    }
    this.relabel();
  }

  choose(preset) {
    this.shown = preset;
    this.send({ type: "preset", id: preset.id });
    this.relabel();
  }

  /** Tooltips and the claim box in the current language. */
  relabel() {
    const lang = currentLanguage();
    for (const button of document.querySelectorAll("#preset-buttons button")) {
      const preset = this.presets.find((p) => `preset-${p.id}` === button.dataset.testid);
      button.title = preset.short[lang];
      button.classList.toggle("active", preset === this.shown);
    }
    const box = document.getElementById("claim");
    box.hidden = !this.shown;
    if (!this.shown) return;
    document.getElementById("claim-quote").textContent = `${this.shown.id} · ${this.shown.quote}`;
    document.getElementById("claim-translation").textContent = this.shown.translation;
    document.getElementById("claim-watch").textContent = this.shown.watch[lang];
  }
}

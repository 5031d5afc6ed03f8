// Classroom mode: a teacher ticks the controls to hide; the list goes into the URL (hide=…),
// and a student opening that link sees the page without them.

import { t } from "./i18n.js";

export class Classroom {
  constructor(view, onChange) {
    this.view = view;
    this.onChange = onChange;
    this.panel = document.getElementById("classroom-panel");
    this.groups = [...new Set([...document.querySelectorAll("[data-group]")].map((e) => e.dataset.group))];
    document.getElementById("classroom").addEventListener("click", () => {
      this.panel.hidden = !this.panel.hidden;
      this.build();
    });
    this.apply();
  }

  build() {
    const box = document.getElementById("classroom-groups");
    box.replaceChildren(...this.groups.map((group) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = this.view.hide.includes(group);
      input.addEventListener("change", () => this.toggle(group, input.checked));
      label.append(input, ` ${t("hide")} ${group}`);
      return label;
    }));
  }

  toggle(group, hidden) {
    this.view.hide = hidden ? [...this.view.hide, group] : this.view.hide.filter((g) => g !== group);
    this.apply();
    this.onChange();
  }

  /** Hide every element of a hidden group. */
  apply() {
    document.body.classList.toggle("hide-groups", this.view.hide.length > 0);
    for (const el of document.querySelectorAll("[data-group]")) {
      if (this.view.hide.includes(el.dataset.group)) el.dataset.hiddenByClassroom = "";
      else delete el.dataset.hiddenByClassroom;
    }
  }
}

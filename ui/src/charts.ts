// Chart.js for the supervisor's reports, loaded the first time a report is
// drawn: the first screen neither downloads nor parses it (scripts/bench-app.sh).
import type { Chart } from "chart.js";

let chartCode: Promise<typeof Chart> | null = null;

export function loadChart(): Promise<typeof Chart> {
  chartCode ??= import("chart.js").then((c) => {
    c.Chart.register(c.BarController, c.BarElement, c.CategoryScale, c.LinearScale, c.Legend, c.Title, c.Tooltip);
    return c.Chart;
  });
  return chartCode;
}

export const BIRTH_COLOUR = "#1f5fa8";
export const DEATH_COLOUR = "#6b6b6b";

/** Options of a bar chart that prints as shown: no animation, whole-number
 * ticks, text at 12 px at least so that it reads on screen and on paper. */
export function barOptions(title: string, horizontal = false) {
  const font = { size: 13 };
  return {
    animation: false as const,
    responsive: false,
    indexAxis: horizontal ? ("y" as const) : ("x" as const),
    scales: {
      x: { beginAtZero: true, ticks: { font, precision: 0 } },
      y: { beginAtZero: true, ticks: { precision: 0, font } },
    },
    plugins: {
      legend: { position: "bottom" as const, labels: { font } },
      title: { display: true, text: title, font: { size: 14 } },
    },
  };
}

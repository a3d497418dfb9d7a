// A maintenance case (the guide: open a case for maintenance that will impact services, and support puts monitoring into
// maintenance mode): the New case page's window, stated in US Eastern like every time the portal shows, and the case
// page's account of it.
import type { Case, Schemas } from "../api/client";
import { CheckboxField, Field, type FormErrors } from "../components";
import { EasternTime } from "../EasternTime";

type Window = NonNullable<Case["maintenanceWindow"]>;

export const MAX_MAINTENANCE_HOURS = 72;
export const MAX_MAINTENANCE_DEVICES = 100;
// The form's fields the API may name in a refusal (a device's own refusal, `maintenanceWindow.devices.3`, is shown at the list).
export const MAINTENANCE_FIELDS = [
  "maintenanceWindow",
  "maintenanceWindow.startsAt",
  "maintenanceWindow.endsAt",
  "maintenanceWindow.devices",
] as const;

const EASTERN_PARTS = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const EDT_MINUTES = -240;
const EST_MINUTES = -300;

/** US Eastern's offset from UTC at an instant, in minutes (-300 EST, -240 EDT). */
function easternOffsetMinutes(utcMillis: number): number {
  const part = Object.fromEntries(EASTERN_PARTS.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+part.year, +part.month - 1, +part.day, +part.hour % 24, +part.minute, +part.second);
  return Math.round((wall - utcMillis) / 60000);
}

/**
 * A datetime-local value ("2026-12-12T08:00") read as a US Eastern wall-clock time, as the UTC instant the API takes
 * ("2026-12-12T13:00:00.000Z"); undefined when blank. In November's repeated hour it is the first (EDT) one; a time
 * in March's skipped hour is read as EST, i.e. an hour later on the clock, as clocks themselves move.
 */
export function easternToIso(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute] = match.map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const fits = [EDT_MINUTES, EST_MINUTES]
    .map((offset) => wall - offset * 60000)
    .filter((utc) => wall - utc === easternOffsetMinutes(utc) * 60000);
  return new Date(fits.length ? Math.min(...fits) : wall - EST_MINUTES * 60000).toISOString();
}

/** The devices typed one per line (or separated by commas), each once; undefined for none (every device). */
export function deviceList(text: string): string[] | undefined {
  const devices = [...new Set(text.split(/[\n,]/).map((device) => device.trim()).filter((device) => device !== ""))];
  return devices.length ? devices : undefined;
}

export type MaintenanceValues = { startsAt: string; endsAt: string; devices: string };

/** The request's window (the API checks it and names what to fix). */
export function maintenanceBody(values: MaintenanceValues): Schemas["NewCaseMaintenanceWindow"] {
  return {
    startsAt: easternToIso(values.startsAt) ?? "",
    endsAt: easternToIso(values.endsAt) ?? "",
    devices: deviceList(values.devices),
  };
}

/** The New case page's part: "This case announces maintenance", which reveals the window's start, end and devices. */
export function MaintenanceFields({
  form,
  errors,
  announces,
  onAnnounces,
  values,
  onChange,
}: {
  form: string;
  errors: FormErrors;
  announces: boolean;
  onAnnounces: (announces: boolean) => void;
  values: MaintenanceValues;
  onChange: (values: MaintenanceValues) => void;
}) {
  const set = (name: keyof MaintenanceValues) => (event: Event) =>
    onChange({ ...values, [name]: (event.currentTarget as HTMLInputElement).value });
  const startsAt = easternToIso(values.startsAt);
  const endsAt = easternToIso(values.endsAt);
  const hours = startsAt && endsAt ? (Date.parse(endsAt) - Date.parse(startsAt)) / 3600000 : null;
  return (
    <fieldset>
      <legend>Maintenance</legend>
      <CheckboxField
        form={form}
        name="maintenanceWindow"
        label="This case announces maintenance"
        checked={announces}
        onChange={onAnnounces}
        errors={errors}
        hint="For maintenance that will impact services: support puts your monitoring into maintenance mode for its window, so its alerts are recorded but notify nobody, neither support nor you."
      />
      {announces ? (
        <>
          <Field
            form={form}
            name="maintenanceWindow.startsAt"
            label="Maintenance starts (US Eastern time)"
            errors={errors}
            required
            hint="A time already passed starts maintenance mode at once."
          >
            {(attrs) => <input {...attrs} type="datetime-local" value={values.startsAt} onInput={set("startsAt")} />}
          </Field>
          <Field
            form={form}
            name="maintenanceWindow.endsAt"
            label="Maintenance ends (US Eastern time)"
            errors={errors}
            required
            hint={`After the start, at most ${MAX_MAINTENANCE_HOURS} hours later. Alerts still firing 10 minutes after the end go to support as usual.`}
          >
            {(attrs) => <input {...attrs} type="datetime-local" value={values.endsAt} onInput={set("endsAt")} />}
          </Field>
          <Field
            form={form}
            name="maintenanceWindow.devices"
            label="Devices affected"
            errors={errors}
            hint={`One per line, as monitoring names them (at most ${MAX_MAINTENANCE_DEVICES}); leave empty for every device of your account.`}
          >
            {(attrs) => <textarea {...attrs} rows={3} value={values.devices} onInput={set("devices")} />}
          </Field>
          {startsAt && endsAt && hours !== null && hours > 0 ? (
            <p class="hint" id={`${form}-maintenance-summary`}>
              Maintenance mode from <EasternTime iso={startsAt} /> to <EasternTime iso={endsAt} /> ({formatHours(hours)}).
            </p>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

function formatHours(hours: number): string {
  const whole = Math.floor(hours);
  const minutes = Math.round((hours - whole) * 60);
  const parts = [whole ? `${whole} ${whole === 1 ? "hour" : "hours"}` : "", minutes ? `${minutes} minutes` : ""];
  return parts.filter(Boolean).join(" ");
}

const STATUS_TEXT: Record<Schemas["MaintenanceStatus"], string> = {
  requested: "Requested: monitoring goes into maintenance mode for the window; this case is told when it is scheduled",
  scheduled: "Scheduled: from the start, monitoring alerts are recorded but notify nobody",
  active: "On: monitoring alerts are recorded but notify nobody",
  ended: "Ended",
  cancelled: "Cancelled: monitoring alerts notify as usual",
};

/** The case page's lines about its window: when, which devices, and where maintenance mode stands. */
export function MaintenanceDetails({ window }: { window: Window }) {
  const ended =
    window.status === "ended"
      ? `Ended: ${count(window.suppressedCount ?? 0, "alert event", "alert events")} recorded and silenced; ` +
        `${count(window.stillFiringCount ?? 0, "alert", "alerts")} still firing handed to support`
      : null;
  return (
    <>
      <div>
        <dt>Maintenance window</dt>
        <dd>
          <EasternTime iso={window.startsAt} /> to <EasternTime iso={window.endsAt} />
        </dd>
      </div>
      <div>
        <dt>Devices in maintenance</dt>
        <dd>{window.devices?.length ? window.devices.join(", ") : "All devices of the account"}</dd>
      </div>
      <div>
        <dt>Maintenance mode</dt>
        <dd>{ended ?? STATUS_TEXT[window.status]}</dd>
      </div>
    </>
  );
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

// /maintenance (staff): the platform-updates pages, and an account's platform by its id.
import { AccountChooser } from "../AccountChooser";
import { PlatformHeader } from "./parts";

export function PlatformUpdatesPage() {
  return (
    <PlatformHeader path="/maintenance" title="Platform updates">
      <p>Changes to customers' platforms follow the guide's rules: only validated Windows updates, a Release at most once a contract quarter, Patches for service-affecting SCRs, gateway updates within the contract year's.</p>
      <ul class="link-list">
        <li>
          <a href="/maintenance/windows-updates">Windows updates</a>: the Testing Department's catalog of Microsoft updates, and when a pending one is expected.
        </li>
        <li>
          <a href="/maintenance/requests/new">Request an installation</a>: check a request against the rules, then open its installation case.
        </li>
        <li>
          <a href="/maintenance/gateway-catalog">Gateway GA catalog</a>: each gateway type's updates in release order, the current GA last.
        </li>
      </ul>
      <h2>An account's platform</h2>
      <p>Its Release, patches, gateways (how far behind GA each is) and contract entitlements.</p>
      <AccountChooser idPrefix="platform" accountId="" hrefFor={(id) => `/accounts/${encodeURIComponent(id)}/platform`} submitLabel="Show platform" />
    </PlatformHeader>
  );
}

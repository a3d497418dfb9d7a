import { useEffect, useState } from "preact/hooks";
import { currentClaims, hasRefreshToken, isStaff, isTestingDepartment, signOut, subscribe, validIdToken } from "./auth";
import { navigate, onLinkClick, useLocation } from "./router";
import { SignInPage } from "./pages/SignIn";
import { CaseListPage } from "./pages/CaseList";
import { NewCasePage } from "./pages/NewCase";
import { CasePage } from "./pages/CasePage";
import { QueuesPage, isQueue } from "./pages/Queues";
import { AccountsPage } from "./pages/Accounts";
import { AccountPage } from "./pages/AccountPage";
import { ownAccountId } from "./pages/directory";
import { MaintenancePage } from "./pages/Maintenance";
import { MonitoringPage } from "./pages/Monitoring";
import { periodQuery, ReportPage } from "./pages/Reports";
import { ReportSubscriptionsPage } from "./pages/ReportSubscriptions";
import { RecipientLinkPage } from "./pages/RecipientLink";
import { LazyPlatform } from "./pages/LazyPlatform";

const WINDOWS_UPDATES = "/maintenance/windows-updates";

function useClaims() {
  const [claims, setClaims] = useState(currentClaims());
  useEffect(() => subscribe(() => setClaims(currentClaims())), []);
  return claims;
}

export function App() {
  const { path, search } = useLocation();
  const claims = useClaims();
  // A reload: renew the ID token from the refresh token kept for this tab before deciding.
  const [restoring, setRestoring] = useState(() => !currentClaims() && hasRefreshToken());
  useEffect(() => {
    if (restoring) void validIdToken().finally(() => setRestoring(false));
  }, []);

  const signedIn = claims !== null;
  const isSignIn = path === "/sign-in";
  // A report recipient's emailed links work without signing in (the link's token is the credential).
  const recipientLink = /^\/reports\/(confirm|unsubscribe)\/?$/.exec(path)?.[1] as "confirm" | "unsubscribe" | undefined;
  useEffect(() => {
    if (restoring || recipientLink) return;
    if (!signedIn && !isSignIn) navigate(`/sign-in?next=${encodeURIComponent(path + location.search)}`, { replace: true });
  }, [signedIn, isSignIn, restoring, path, recipientLink]);
  // The Testing Department's users have the Windows-update pages only (the API refuses them everything else).
  const testing = signedIn && isTestingDepartment() && !isStaff();
  const elsewhere = testing && !isSignIn && path.replace(/\/$/, "") !== WINDOWS_UPDATES;
  useEffect(() => {
    if (elsewhere) navigate(WINDOWS_UPDATES, { replace: true });
  }, [elsewhere]);

  let page;
  let title = "Case desk";
  const caseMatch = /^\/cases\/([^/]+)\/?$/.exec(path);
  const queueMatch = /^\/queues(?:\/([a-z-]+))?\/?$/.exec(path);
  const queue = queueMatch ? (queueMatch[1] ?? "unassigned") : "";
  const accountMatch = /^\/accounts\/([^/]+)\/?$/.exec(path);
  const platformMatch = /^\/accounts\/([^/]+)\/platform\/?$/.exec(path);
  if (recipientLink) {
    page = <RecipientLinkPage key={search.get("token") ?? ""} purpose={recipientLink} token={search.get("token") ?? ""} />;
    title = recipientLink === "confirm" ? "Confirm your case report subscription" : "Unsubscribe from the case report";
  } else if (restoring) page = <p role="status">Signing you in…</p>;
  else if (isSignIn) {
    page = <SignInPage next={search.get("next")} />;
    title = "Sign in";
  } else if (!signedIn || elsewhere) page = null;
  else if (path === WINDOWS_UPDATES || path === `${WINDOWS_UPDATES}/`) {
    const status = search.get("status") ?? "";
    page = <LazyPlatform render={(pages) => <pages.WindowsUpdatesPage key={status} status={status} />} />;
    title = "Windows updates";
  } else if (isStaff() && (path === "/maintenance" || path === "/maintenance/")) {
    page = <LazyPlatform render={(pages) => <pages.PlatformUpdatesPage />} />;
    title = "Platform updates";
  } else if (isStaff() && (path === "/maintenance/requests/new" || path === "/maintenance/requests/new/")) {
    const account = search.get("account") ?? "";
    page = <LazyPlatform render={(pages) => <pages.InstallationRequestPage account={account} />} />;
    title = "Request an installation";
  } else if (isStaff() && (path === "/maintenance/gateway-catalog" || path === "/maintenance/gateway-catalog/")) {
    page = <LazyPlatform render={(pages) => <pages.GatewayCatalogPage />} />;
    title = "Gateway GA catalog";
  } else if (platformMatch) {
    const accountId = decodeURIComponent(platformMatch[1]);
    page = <LazyPlatform render={(pages) => <pages.PlatformPage key={accountId} accountId={accountId} />} />;
    title = `Platform of ${accountId}`;
  } else if (path === "/") {
    page = <CaseListPage />;
    title = "Cases";
  } else if (path === "/new") {
    page = <NewCasePage />;
    title = "New case";
  } else if (isQueue(queue) && isStaff()) {
    page = <QueuesPage key={queue} queue={queue} />;
    title = "Queues";
  } else if (caseMatch) {
    const caseNumber = decodeURIComponent(caseMatch[1]);
    page = <CasePage key={caseNumber} caseNumber={caseNumber} />;
    title = `Case ${caseNumber}`;
  } else if (path === "/accounts" || path === "/accounts/") {
    page = <AccountsPage />;
    title = "Accounts";
  } else if (path === "/alerts" || path === "/alerts/") {
    const account = search.get("account") ?? "";
    page = <MonitoringPage key={account} account={account} />;
    title = "Monitoring";
  } else if (path === "/alerts/maintenance" || path === "/alerts/maintenance/") {
    const account = search.get("account") ?? "";
    page = <MaintenancePage key={account} account={account} />;
    title = "Maintenance windows";
  } else if (path === "/reports" || path === "/reports/") {
    const account = search.get("account") ?? "";
    page = <ReportPage key={account} account={account} query={periodQuery(search)} />;
    title = "Case report";
  } else if (path === "/reports/subscriptions" || path === "/reports/subscriptions/") {
    const account = search.get("account") ?? "";
    page = <ReportSubscriptionsPage key={account} account={account} />;
    title = "Case report subscriptions";
  } else if (accountMatch) {
    const accountId = decodeURIComponent(accountMatch[1]);
    page = <AccountPage key={accountId} accountId={accountId} />;
    title = `Account ${accountId}`;
  } else {
    page = (
      <>
        <h1>Page not found</h1>
        <p>
          There is no page at this address. <a href="/">Go to your cases</a>.
        </p>
      </>
    );
    title = "Page not found";
  }
  useEffect(() => {
    document.title = `${title} · Case desk`;
  }, [title]);

  return (
    <div onClick={(event) => onLinkClick(event as unknown as MouseEvent)}>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to main content
      </a>
      <header class="site-header">
        <a class="brand" href="/">
          Case desk
        </a>
        {signedIn ? (
          <nav aria-label="Main">
            {testing ? (
              <a href={WINDOWS_UPDATES} aria-current={path.startsWith(WINDOWS_UPDATES) ? "page" : undefined}>
                Windows updates
              </a>
            ) : (
              <MainLinks path={path} />
            )}
            <span class="who">{String(claims?.email ?? "")}</span>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                signOut();
                navigate("/sign-in", { replace: true });
              }}
            >
              Sign out
            </button>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

/** The header's links for customers and staff (the Testing Department has only the Windows updates). */
function MainLinks({ path }: { path: string }) {
  const platform = path.startsWith("/maintenance") && !path.startsWith(WINDOWS_UPDATES);
  return (
    <>
      <a href="/" aria-current={path === "/" ? "page" : undefined}>
        Cases
      </a>
      {isStaff() ? (
        <a href="/queues/unassigned" aria-current={path.startsWith("/queues") ? "page" : undefined}>
          Queues
        </a>
      ) : null}
      <a href="/new" aria-current={path === "/new" ? "page" : undefined}>
        New case
      </a>
      {isStaff() ? (
        <a href="/accounts" aria-current={path.startsWith("/accounts") ? "page" : undefined}>
          Accounts
        </a>
      ) : ownAccountId() ? (
        <a
          href={`/accounts/${encodeURIComponent(ownAccountId() ?? "")}`}
          aria-current={path === `/accounts/${encodeURIComponent(ownAccountId() ?? "")}` ? "page" : undefined}
        >
          Your account
        </a>
      ) : null}
      <a href="/alerts" aria-current={path.startsWith("/alerts") ? "page" : undefined}>
        Monitoring
      </a>
      <a href="/reports" aria-current={path.startsWith("/reports") ? "page" : undefined}>
        Reports
      </a>
      {isStaff() ? (
        <a href="/maintenance" aria-current={platform ? "page" : undefined}>
          Platform updates
        </a>
      ) : null}
      <a href={WINDOWS_UPDATES} aria-current={path.startsWith(WINDOWS_UPDATES) ? "page" : undefined}>
        Windows updates
      </a>
    </>
  );
}

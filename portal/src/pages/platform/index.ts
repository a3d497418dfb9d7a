// The platform-updates pages, one chunk that app.tsx loads on demand (the main bundle keeps within its budget).
export { GatewayCatalogPage } from "./GatewayCatalog";
export { InstallationRequestPage } from "./InstallationRequest";
export { PlatformUpdatesPage } from "./Overview";
export { PlatformPage } from "./PlatformPage";
export { WindowsUpdatesPage } from "./WindowsUpdates";

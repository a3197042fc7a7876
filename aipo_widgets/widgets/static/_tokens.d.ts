// The presentation tokens (aipo_widgets/figures/tokens.json, palette names resolved to colours):
// Python prepends them to each widget's module as `const AIPO_TOKENS = {...};`
// (aipo_widgets/figures/tokens.py: js_constant; aipo_widgets/widgets/_base.py: static_asset).
declare const AIPO_TOKENS: Omit<typeof import("../../figures/tokens.json"), "about">;

// ESLint flat config: typescript-eslint's recommended rules on all our TypeScript.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".local/", "test-artifacts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Mock and SDK shapes are untyped at the edges; keep `any` visible but allowed there.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // The local page's scripts run in the browser, as plain scripts (no bundler).
    files: ["runtime/local/page/static/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        window: "readonly",
        document: "readonly",
        fetch: "readonly",
        EventSource: "readonly",
        Intl: "readonly",
        Node: "readonly",
        Option: "readonly",
        Chart: "readonly",
        NycMap: "readonly",
      },
    },
  },
);

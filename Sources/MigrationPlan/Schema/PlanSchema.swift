/// The JSON Schema (draft 2020-12) of one plan document, as printed by `oms-plan schema`
/// and kept in `schemas/plan.schema.json` for editors (yaml-language-server modelines).
public enum PlanSchema {}

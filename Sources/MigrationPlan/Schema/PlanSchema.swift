/// The JSON Schema (draft 2020-12) of one plan document, as printed by `oms-plan schema`
/// and kept in `schemas/plan.schema.json` for editors (yaml-language-server modelines).
///
/// `scripts/gen_plan_schema.py` writes the file and its copy beside this one, which the
/// package embeds (`Package.swift`); tests check the two are the same and that the schema
/// and the decoders (`SpecFields`) know the same fields, object by object.
public enum PlanSchema {
    public static let json = String(decoding: PackageResources.plan_schema_json, as: UTF8.self)
}

import {
  type ClassProperty,
  type ClassType,
  getOptionValues,
  JacksonRenderer,
  type JavaRenderer,
  JavaTargetLanguage,
  javaOptions,
  type Name,
  type RenderContext,
  type Sourcelike,
  type Type,
} from "quicktype-core";

/**
 * quicktype's Jackson renderer with wire fidelity fixes:
 * - absent optional properties stay absent (`@JsonInclude(NON_NULL)` on each class; quicktype writes
 *   `"x": null`, which the schemas reject), while required ones are always written (a required
 *   nullable property keeps its null);
 * - an unconstrained (`{}`) type is a Jackson `JsonNode` instead of `Object`, so an explicit JSON null
 *   (NullNode) stays distinct from an absent property.
 */
class SfnJacksonRenderer extends JacksonRenderer {
  protected override emitClassAttributes(c: ClassType, className: Name): void {
    this.emitLine("@JsonInclude(JsonInclude.Include.NON_NULL)");
    super.emitClassAttributes(c, className);
  }

  protected override annotationsForAccessor(
    c: ClassType,
    className: Name,
    propertyName: Name,
    jsonName: string,
    p: ClassProperty,
    isSetter: boolean,
  ): string[] {
    const annotations = super.annotationsForAccessor(c, className, propertyName, jsonName, p, isSetter);
    if (!isSetter && !p.isOptional) annotations.push("@JsonInclude(JsonInclude.Include.ALWAYS)");
    return annotations;
  }

  protected override javaType(reference: boolean, t: Type, withIssues = false): Sourcelike {
    if (t.kind === "any") return "JsonNode";
    return super.javaType(reference, t, withIssues);
  }
}

export class SfnJavaTargetLanguage extends JavaTargetLanguage {
  protected override makeRenderer(
    renderContext: RenderContext,
    untyped: Record<string, unknown>,
  ): JavaRenderer {
    const options = getOptionValues(javaOptions, untyped as never);
    return new SfnJacksonRenderer(this, renderContext, options);
  }
}

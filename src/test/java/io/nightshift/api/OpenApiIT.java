package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document as a client reads it: served without a token, parsed by a real OpenAPI
 * parser without a message, and true to the server: every route it answers under /api/v1 is there
 * with the same methods and the role it is secured with, and nothing else is. Also the Swagger UI
 * page and the workflow schema, both open, while every other call still needs a token.
 */
class OpenApiIT {

  private static final String API = "/api/v1";

  private static NightshiftNode node;
  private static NightshiftNode anonymous;
  private static String document;
  private static OpenAPI openApi;

  @BeforeAll
  static void start() {
    node = NightshiftNode.start(PostgresFixture.newDatabase());
    anonymous = node.as(null);
    HttpResponse<String> response = anonymous.get(API + "/openapi.yaml");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    document = response.body();
    openApi = parse(document).getOpenAPI();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static SwaggerParseResult parse(String yaml) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    options.setOaiAuthor(true);
    return new OpenAPIV3Parser().readContents(yaml, null, options);
  }

  /** A route's path as the document writes it: {@code /api/v1/runs/{id}}. */
  private static String path(UriRouteInfo<?, ?> route) {
    return route.getUriMatchTemplate().toString().replaceAll("\\{[?&][^}]*}", "");
  }

  /**
   * The routes the server answers, without the HEAD route Micronaut adds beside each GET: HTTP
   * answers HEAD wherever it answers GET, so the document lists the GET alone.
   */
  private static List<UriRouteInfo<?, ?>> routes() {
    List<UriRouteInfo<?, ?>> routes = node.context().getBean(Router.class).uriRoutes().toList();
    Set<String> gets =
        routes.stream()
            .filter(route -> route.getHttpMethodName().equals("GET"))
            .map(OpenApiIT::path)
            .collect(Collectors.toSet());
    List<String> headsAlone =
        routes.stream()
            .filter(route -> route.getHttpMethodName().equals("HEAD"))
            .map(OpenApiIT::path)
            .filter(path -> !gets.contains(path))
            .toList();
    assertThat(headsAlone).as("HEAD routes without a GET").isEmpty();
    return routes.stream().filter(route -> !route.getHttpMethodName().equals("HEAD")).toList();
  }

  /**
   * The roles the route is secured with, read as Micronaut Security's SecuredAnnotationRule does.
   */
  private static String[] secured(UriRouteInfo<?, ?> route) {
    return route
        .getAnnotationMetadata()
        .getValue(Secured.class, String[].class)
        .orElse(new String[0]);
  }

  private static boolean underApi(UriRouteInfo<?, ?> route) {
    return path(route).startsWith(API + "/");
  }

  /** Each operation of the document, by {@code METHOD /path}. */
  private static Map<String, Operation> operations() {
    Map<String, Operation> operations = new TreeMap<>();
    openApi
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, operation) ->
                            operations.put(method.name() + " " + path, operation)));
    return operations;
  }

  @Test
  void the_document_is_served_without_a_token_as_yaml() {
    HttpResponse<String> response = anonymous.get(API + "/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
  }

  @Test
  void a_real_openapi_parser_reads_the_document_without_an_error_or_a_warning() {
    SwaggerParseResult result = parse(document);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.0");
    assertThat(result.getOpenAPI().getComponents().getSecuritySchemes())
        .containsOnlyKeys(OpenApiController.BEARER);
  }

  @Test
  void every_operation_has_an_id_of_its_own_chosen_in_the_code() {
    List<String> ids = operations().values().stream().map(Operation::getOperationId).toList();

    assertThat(ids).doesNotHaveDuplicates();
    // A suffix _1, _2 is the generator's way out of two methods of one name; name them instead,
    // with @Operation(operationId = ...), or a client's method names change with the build.
    assertThat(ids).noneMatch(id -> id.matches(".*_[0-9]+"));
  }

  @Test
  void every_summary_is_a_sentence_without_javadoc_left_in_it() {
    operations()
        .forEach(
            (key, operation) -> {
              assertThat(operation.getSummary()).as(key).isNotBlank().doesNotContain("@code", "{@");
              assertThat(operation.getDescription()).as(key).doesNotContain("@code", "{@");
            });
  }

  @Test
  void every_route_under_api_v1_is_documented_with_its_methods_and_nothing_more() {
    Set<String> served =
        routes().stream()
            .filter(OpenApiIT::underApi)
            .map(route -> route.getHttpMethodName() + " " + path(route))
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(served).isNotEmpty();
    assertThat(operations().keySet()).isEqualTo(served);
  }

  @Test
  void the_routes_outside_api_v1_are_the_management_endpoints_and_the_console_alone() {
    List<String> others =
        routes().stream()
            .filter(route -> !underApi(route))
            .filter(
                route ->
                    !route.getTargetMethod().getDeclaringType().isAnnotationPresent(Endpoint.class))
            // the web console's pages: HTML for a browser, not the API (docs/console.md)
            .filter(
                route ->
                    !route
                        .getTargetMethod()
                        .getDeclaringType()
                        .equals(io.nightshift.console.ConsoleController.class))
            .map(route -> route.getHttpMethodName() + " " + path(route))
            .toList();

    assertThat(others).as("routes neither in the OpenAPI document nor management").isEmpty();
  }

  @Test
  void each_operation_names_the_role_its_route_is_secured_with() {
    Map<String, Operation> operations = operations();
    for (UriRouteInfo<?, ?> route : routes().stream().filter(OpenApiIT::underApi).toList()) {
      String key = route.getHttpMethodName() + " " + path(route);
      Operation operation = operations.get(key);
      String[] secured = secured(route);
      assertThat(secured).as(key + " has @Secured").isNotEmpty();
      if (List.of(secured).equals(List.of(SecurityRule.IS_ANONYMOUS))) {
        assertThat(operation.getSecurity()).as(key).isEmpty();
        assertThat(operation.getExtensions() == null ? Map.of() : operation.getExtensions())
            .as(key)
            .doesNotContainKey(OpenApiDocument.ROLE);
      } else {
        assertThat(operation.getSecurity()).as(key).hasSize(1);
        assertThat(operation.getSecurity().get(0))
            .as(key)
            .containsOnlyKeys(OpenApiController.BEARER);
        assertThat(operation.getSecurity().get(0).get(OpenApiController.BEARER)).as(key).isEmpty();
        assertThat(operation.getExtensions())
            .as(key)
            .containsEntry(OpenApiDocument.ROLE, String.join(", ", secured));
        assertThat(operation.getDescription()).as(key).contains("Role: `" + secured[0] + "`");
      }
    }
  }

  @Test
  void every_operation_documents_its_errors_as_problem_json() {
    operations()
        .forEach(
            (key, operation) ->
                operation
                    .getResponses()
                    .forEach(
                        (status, response) -> {
                          if (status.startsWith("4") || status.startsWith("5")) {
                            assertThat(response.getContent())
                                .as(key + " " + status)
                                .containsOnlyKeys(Problem.MEDIA_TYPE);
                            assertThat(
                                    response
                                        .getContent()
                                        .get(Problem.MEDIA_TYPE)
                                        .getSchema()
                                        .get$ref())
                                .as(key + " " + status)
                                .isEqualTo("#/components/schemas/Problem");
                          }
                        }));
    operations().entrySet().stream()
        .filter(entry -> entry.getValue().getExtensions() != null)
        .filter(entry -> entry.getValue().getExtensions().containsKey(OpenApiDocument.ROLE))
        .forEach(
            entry ->
                assertThat(entry.getValue().getResponses())
                    .as(entry.getKey())
                    .containsKeys("401", "403", "503"));
  }

  /** The route's path with each variable replaced by a value, for a request. */
  private static String concrete(String path) {
    return path.replaceAll("\\{[^}]+}", "x");
  }

  @Test
  void only_the_descriptions_are_open_every_other_call_under_api_v1_needs_a_token() {
    List<String> wrong = new ArrayList<>();
    for (UriRouteInfo<?, ?> route : routes().stream().filter(OpenApiIT::underApi).toList()) {
      String method = route.getHttpMethodName();
      String path = concrete(path(route));
      boolean open = List.of(secured(route)).equals(List.of(SecurityRule.IS_ANONYMOUS));
      HttpResponse<String> response =
          anonymous.send(
              anonymous
                  .request(path)
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      method.equals("PUT") || method.equals("POST")
                          ? HttpRequest.BodyPublishers.ofString("{}")
                          : HttpRequest.BodyPublishers.noBody()));
      int expected = open ? 200 : 401;
      if (response.statusCode() != expected) {
        wrong.add(method + " " + path + ": " + response.statusCode() + " " + response.body());
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(anonymous.get("/api/v1/workflows").statusCode()).isEqualTo(401);
  }

  private static final Pattern ASSET = Pattern.compile("\"(/api/docs/res/[^\"]+)\"");

  @Test
  void the_swagger_ui_page_and_its_assets_come_from_the_server_without_a_token() {
    for (String page : List.of("/api/docs", "/api/docs/", "/api/docs/index.html")) {
      HttpResponse<String> response = anonymous.get(page);
      assertThat(response.statusCode()).as(page).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .as(page)
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      assertThat(response.body()).contains("swagger-ui", "'/api/v1/openapi.yaml'");
    }
    String html = anonymous.get("/api/docs").body();
    Set<String> assets = new LinkedHashSet<>();
    Matcher asset = ASSET.matcher(html);
    while (asset.find()) {
      assets.add(asset.group(1));
    }
    assertThat(assets)
        .contains("/api/docs/res/swagger-ui-bundle.js", "/api/docs/res/swagger-ui.css");
    for (String path : assets) {
      HttpResponse<String> response = anonymous.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).isNotEmpty();
    }
    // Nothing is fetched from another host: the machines it runs on may have no internet.
    assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("src=\"http", "href=\"http", "cdn");
  }

  @Test
  void the_workflow_schema_is_served_without_a_token_as_the_repository_has_it() throws Exception {
    HttpResponse<String> response = anonymous.get(API + "/schemas/workflow.json");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/schema+json"));
    assertThat(response.body()).isEqualTo(Files.readString(Path.of("schemas", "workflow.json")));
  }

  @Test
  void the_document_lists_every_path_once_under_api_v1() {
    assertThat(openApi.getPaths().keySet()).allMatch(path -> path.startsWith(API + "/"));
    for (PathItem item : openApi.getPaths().values()) {
      assertThat(item.readOperations()).isNotEmpty();
    }
  }
}

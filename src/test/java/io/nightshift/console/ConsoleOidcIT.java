package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.Browser;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.RequiresTools;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Signing in to the console through a real OpenID provider started in the test (NAV's
 * mock-oauth2-server, on Netty): the authorization-code flow with PKCE and a nonce in Chromium,
 * ending signed in with the role and namespaces of the provider's claims; an answer that does not
 * belong to the browser's own flow is refused.
 */
@RequiresTools(
    value = {"chromium", "chromedriver"},
    install = "apt-get install chromium chromium-driver")
class ConsoleOidcIT {

  private static final String CLIENT = "nightshift-console";
  private static final Duration UI = Duration.ofSeconds(20);

  private static MockOAuth2Server provider;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    provider =
        new MockOAuth2Server(
            new OAuth2Config(
                false,
                null,
                null,
                false,
                new OAuth2TokenProvider(),
                new HashSet<>(),
                new NettyWrapper()));
    provider.start();
    node =
        NightshiftNode.start(
            NightshiftNode.on(
                PostgresFixture.newDatabase(),
                "nightshift.oidc.issuer",
                provider.issuerUrl("default").toString(),
                "nightshift.oidc.jwks-url",
                provider.jwksUrl("default").toString(),
                "nightshift.oidc.audience",
                CLIENT,
                "nightshift.oidc.client-id",
                CLIENT,
                "nightshift.oidc.display-name",
                "Test IdP"));
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/data/workflows/nightly",
            "application/yaml",
            "apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps: [{name: a, image: busybox}]\n");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      provider.shutdown();
    }
  }

  private static String url(String path) {
    return node.context().getBean(EmbeddedServer.class).getURL() + path;
  }

  @Test
  void signing_in_with_the_provider_runs_the_code_flow_with_pkce_and_keeps_its_roles() {
    provider.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "default",
            "alice",
            "JWT",
            List.of(CLIENT),
            Map.of("roles", List.of("operator"), "namespaces", List.of("data")),
            3600));
    try (Browser browser = Browser.desktop()) {
      browser.open(url("/workflows/data/nightly"));
      browser.waitUntil(d -> d.findElements(By.id("oidc")).isEmpty() ? null : true, UI);
      browser.screenshot("sign-in-oidc");
      browser.driver().findElement(By.id("oidc")).click();

      browser.waitUntil(
          d ->
              d.findElements(By.cssSelector("h1")).stream()
                      .anyMatch(h -> h.getText().equals("nightly"))
                  ? true
                  : null,
          UI);
      assertThat(browser.driver().findElement(By.cssSelector(".who")).getText())
          .contains("oidc:alice", "operator");
      assertThat(browser.driver().findElements(By.id("run-now")))
          .as("an operator may run")
          .isNotEmpty();
    }
  }

  @Test
  void the_flow_asks_for_a_code_with_an_s256_challenge_a_state_and_a_nonce_and_remembers_them() {
    HttpResponse<String> leave = node.as(null).get("/sign-in/oidc?next=%2Fcluster");

    assertThat(leave.statusCode()).isEqualTo(302);
    String authorize = leave.headers().firstValue("Location").orElseThrow();
    assertThat(authorize)
        .startsWith(provider.issuerUrl("default").toString())
        .contains(
            "response_type=code",
            "client_id=" + CLIENT,
            "code_challenge_method=S256",
            "code_challenge=",
            "state=",
            "nonce=",
            "redirect_uri=");
    assertThat(leave.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith(ConsoleOidc.COOKIE + "=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Lax")
        .contains("Path=" + ConsoleOidc.CALLBACK);
  }

  @Test
  void an_answer_that_does_not_belong_to_the_browsers_own_flow_is_refused() {
    HttpResponse<String> forged =
        node.as(null)
            .send(
                node.as(null)
                    .request(ConsoleOidc.CALLBACK + "?code=stolen&state=guessed")
                    .header("Cookie", ConsoleOidc.COOKIE + "=real-state.verifier.nonce.Lw")
                    .GET());

    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).contains("does not belong to this sign-in");
    assertThat(forged.headers().allValues("Set-Cookie"))
        .noneMatch(
            cookie -> cookie.startsWith("nightshift_session=") && !cookie.contains("Max-Age=0"));
  }
}

package io.nightshift.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.NightshiftNode;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenStrengthTest {

  @Test
  void the_estimate_is_length_times_log2_of_the_alphabet_of_the_classes_used() {
    assertThat(TokenStrength.estimatedBits("0123456789abcdefghijklmnopqrstuvwxyz"))
        .isCloseTo(36 * Math.log(36) / Math.log(2), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(TokenStrength.estimatedBits("Ab1-"))
        .isCloseTo(4 * Math.log(95) / Math.log(2), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void a_repeated_pattern_counts_once_and_a_repeated_character_counts_nothing() {
    assertThat(TokenStrength.period("password1234".repeat(4))).isEqualTo(12);
    assertThat(TokenStrength.estimatedBits("password1234".repeat(4)))
        .isEqualTo(TokenStrength.estimatedBits("password1234"));
    assertThat(TokenStrength.estimatedBits("a".repeat(48))).isZero();
  }

  @Test
  void random_tokens_of_the_usual_tools_pass_and_the_obvious_mistakes_do_not() {
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      assertThat(TokenStrength.weakness("T", HexFormat.of().formatHex(bytes))).isEmpty();
      assertThat(TokenStrength.weakness("T", Base64.getEncoder().encodeToString(bytes))).isEmpty();
      assertThat(TokenStrength.weakness("T", Tokens.generate())).isEmpty();
    }
    assertThat(TokenStrength.weakness("T", NightshiftNode.ADMIN_TOKEN)).isEmpty();
    assertThat(TokenStrength.weakness("T", "a".repeat(48)))
        .hasValueSatisfying(why -> assertThat(why).contains("single character", "openssl rand"));
    assertThat(TokenStrength.weakness("T", "password1234".repeat(4)))
        .hasValueSatisfying(why -> assertThat(why).contains("128", "openssl rand -hex 32"));
    assertThat(TokenStrength.weakness("T", "1".repeat(20) + "2".repeat(20))).isPresent();
    assertThat(TokenStrength.weakness("T", "12345678901234567890123456789012345678")).isPresent();
    assertThat(TokenStrength.weakness("T", "short"))
        .hasValueSatisfying(why -> assertThat(why).contains("32 characters"));
  }
}

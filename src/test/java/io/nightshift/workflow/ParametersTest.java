package io.nightshift.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersTest {

  @ParameterizedTest
  @CsvSource({
    "retentionDays, RETENTION_DAYS",
    "retention_days, RETENTION_DAYS",
    "batchSize2, BATCH_SIZE2",
    "s3Bucket, S3_BUCKET",
    "DB, DB",
    "x, X"
  })
  void parameter_names_become_upper_snake_env_names(String parameter, String env) {
    assertThat(Parameters.envName(parameter)).isEqualTo(env);
  }
}

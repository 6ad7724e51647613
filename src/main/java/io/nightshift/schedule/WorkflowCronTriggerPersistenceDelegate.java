package io.nightshift.schedule;

import org.quartz.impl.jdbcjobstore.SimplePropertiesTriggerPersistenceDelegateSupport;
import org.quartz.impl.jdbcjobstore.SimplePropertiesTriggerProperties;
import org.quartz.spi.OperableTrigger;

/**
 * Stores a {@link WorkflowCronTrigger} in Quartz's QRTZ_SIMPROP_TRIGGERS: the cron in STR_PROP_1,
 * the time zone in STR_PROP_2. Registered through {@code
 * org.quartz.jobStore.driverDelegateInitString}.
 */
public class WorkflowCronTriggerPersistenceDelegate
    extends SimplePropertiesTriggerPersistenceDelegateSupport {

  @Override
  public boolean canHandleTriggerType(OperableTrigger trigger) {
    return trigger instanceof WorkflowCronTrigger;
  }

  @Override
  public String getHandledTriggerTypeDiscriminator() {
    return "NSCRON";
  }

  @Override
  protected SimplePropertiesTriggerProperties getTriggerProperties(OperableTrigger trigger) {
    WorkflowCronTrigger cron = (WorkflowCronTrigger) trigger;
    SimplePropertiesTriggerProperties properties = new SimplePropertiesTriggerProperties();
    properties.setString1(cron.getCronExpression());
    properties.setString2(cron.getTimeZone());
    return properties;
  }

  @Override
  protected TriggerPropertyBundle getTriggerPropertyBundle(
      SimplePropertiesTriggerProperties properties) {
    return new TriggerPropertyBundle(
        new WorkflowCronTrigger.Builder(properties.getString1(), properties.getString2()),
        new String[0],
        new Object[0]);
  }
}

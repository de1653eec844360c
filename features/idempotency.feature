@flow-tradeNO
Feature: The same request or notification many times, at once or late
  A request id is the sender's idempotency key: the same request, however often and however
  concurrently, creates one payment, one capture, one refund, and every copy gets the same
  answer; the same id with other content is REPEAT_REQ_INCONSISTENT (docs/protocol.md,
  "Idempotency"; the sequential cases are REQ-GEN-022..024, REQ-PRE-010 and REQ-REF-005).
  A merchant acknowledges a duplicate notification with S and changes nothing, however many
  arrive at once and however late.

  @wallet @wallet-api @REQ-IDEM-001 @step-4 @step-5 @step-6 @step-7
  Scenario: 50 identical pay requests at once create one payment
    When the kit sends the same payment request 50 times at once
    Then every answer names the same payment
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"
    And the wallet files one payment under the request id

  @wallet @wallet-api @preauth @REQ-IDEM-002
  Scenario: 50 identical captures at once capture once
    Given the kit has asked the wallet for a pre-authorization of "10.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit sends the same capture of "4.00 USD" 50 times at once
    Then every answer names the same capture
    When the kit captures "6.01 USD" as the last capture
    Then the wallet refuses with "CAPTURE_AMOUNT_EXCEED"
    When the kit captures "6.00 USD" as the last capture
    Then the wallet confirms the capture of "6.00 USD"

  @wallet @wallet-api @refunds @REQ-IDEM-003
  Scenario: 50 identical refunds at once refund once
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit sends the same refund of "4.00 USD" 50 times at once
    Then every answer names the same refund
    When the kit refunds "6.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    When the kit refunds "6.00 USD"
    Then the wallet confirms the refund of "6.00 USD"

  @merchant @wallet-mock @REQ-IDEM-004 @step-18
  Scenario: A duplicate notification is acknowledged and changes nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the wallet notifies the merchant of the payment again
    Then the merchant acknowledges every delivery
    And the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid

  @merchant @wallet-mock @REQ-IDEM-004 @step-18
  Scenario: 20 duplicate notifications at once are acknowledged and change nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the wallet notifies the merchant of the payment 20 more times at once
    Then the merchant acknowledges every delivery
    And the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid

  @merchant @wallet-mock @REQ-IDEM-004 @step-18
  Scenario: 20 notifications at once of a payment the merchant has not heard of yet pay the order once
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    When the payer confirms the payment in the wallet
    And the wallet notifies the merchant of the payment 20 more times at once
    Then the merchant acknowledges every delivery
    And the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid

  @merchant @wallet-mock @refunds @REQ-IDEM-005 @step-18
  Scenario: A notification replayed after the order was refunded changes nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the merchant refunds the rest
    Then the merchant's order is "REFUNDED"
    When the wallet notifies the merchant of the payment again
    Then the merchant acknowledges every delivery
    And the merchant's order is "REFUNDED"
    And the merchant's order shows "10.00 USD" refunded

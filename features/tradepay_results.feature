@general @flow-tradeNO
Feature: What the mini program and the merchant do with each my.tradePay result
  my.tradePay answers 9000, 8000, 4000, 6001, 6002 or 6004. The app's answer is a hint: a
  correct merchant confirms it with the wallet (a notification or inquiryPayment) before it
  fulfils or gives up, on every code but 6001 (docs/protocol.md, "my.tradePay results").

  @wallet @merchant @REQ-GEN-006 @step-13 @step-14 @step-15 @step-16 @step-17 @step-18 @step-19
  Scenario: 8000, the wallet takes the payment in the background
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the wallet takes the payment in the background
    Then the mini program gets result code 8000
    When the mini program passes the result code to the merchant
    Then the merchant's order becomes "PAID"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @merchant @REQ-GEN-007 @step-13 @step-14 @step-15 @step-16 @step-17 @step-18 @step-19
  Scenario: 4000, the wallet declines the payment and the order fails
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant's order becomes "FAILED"
    And the wallet reports the payment as "FAIL"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000

  @wallet @merchant @REQ-GEN-008 @step-13 @step-17 @step-19
  Scenario: 6001, the payer cancels in the wallet and pays later
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer cancels the payment in the wallet
    Then the mini program gets result code 6001
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PENDING"
    And the wallet reports the payment as "PROCESSING"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"

  @wallet @merchant @REQ-GEN-009 @step-13 @step-17 @step-19
  Scenario: 6002, the wallet app loses the network and the payer tries again
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the wallet app loses the network during the payment
    Then the mini program gets result code 6002
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PENDING"
    And the wallet reports the payment as "PROCESSING"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"

  @wallet @merchant @REQ-GEN-010 @step-13 @step-14 @step-15 @step-16 @step-17 @step-19
  Scenario: 6004, the app cannot tell but the wallet has been paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the wallet app cannot tell the payment result
    Then the mini program gets result code 6004
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PAID"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @merchant @REQ-GEN-011 @step-17 @step-18 @step-19
  Scenario: The app says cancelled but the wallet has been paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    And the mini program tells the merchant the result code was 6001
    Then the merchant's order becomes "PAID"

  @merchant @REQ-GEN-011 @step-17 @step-18 @step-19
  Scenario: The app reports a network error but the wallet has been paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    And the mini program tells the merchant the result code was 6002
    Then the merchant answers that the order is "PAID"

  @merchant @REQ-GEN-005 @step-17 @step-19
  Scenario: The app says paid but the wallet has not been paid
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the mini program tells the merchant the result code was 9000
    Then the merchant answers that the order is "PENDING"
    And the merchant's order is "PENDING"
    And the wallet reports the payment as "PROCESSING"

@general @flow-paymentUrl
Feature: General payment on the wallet's cashier page
  The merchant server calls pay and gets back the acquirementId (paymentId) and the cashier
  URL; the mini program opens it with my.tradePay, the payer confirms, the wallet notifies the
  merchant and the payer lands on the result page (seed 003, steps 1-6).

  @wallet @merchant @REQ-GEN-003 @step-1 @step-2 @step-3 @step-4 @step-5 @step-6
  Scenario: A payer pays an order on the cashier page
    Given the merchant has created an order for "10.00 USD" paid through the cashier page
    Then the order's payment URL leads to the wallet's payment
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant's order becomes "PAID"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PAID"

  @wallet @should @REQ-GEN-019 @step-3 @step-4
  Scenario: The cashier page shows the payer what they are about to pay
    Given the merchant has created an order for "12.34 USD" paid through the cashier page
    When the payer opens the cashier page
    Then the page should show the order's title, amount and payee

  @wallet @merchant @REQ-GEN-004 @step-5 @realtime
  Scenario: The wallet notifies the merchant of a cashier payment
    Given the merchant has created an order for "10.00 USD" paid through the cashier page
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    And the wallet has notified the merchant of "SUCCESS" once

  @wallet @merchant @REQ-GEN-008 @step-4 @step-6
  Scenario: A payer leaves the cashier page without paying
    Given the merchant has created an order for "10.00 USD" paid through the cashier page
    When the payer cancels the payment in the wallet
    Then the mini program gets result code 6001
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PENDING"
    And the wallet reports the payment as "PROCESSING"

  @wallet @merchant @REQ-GEN-007 @step-4 @step-5 @step-6
  Scenario: A payment declined on the cashier page fails the order
    Given the merchant has created an order for "10.00 USD" paid through the cashier page
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant's order becomes "FAILED"
    And the wallet reports the payment as "FAIL"

pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                helper.deploy('prod')
            }
        }
    }
}

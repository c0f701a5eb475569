pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                env.FOO.trim()
            }
        }
    }
}
